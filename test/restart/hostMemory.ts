/**
 * The restart loop's probe of a session host's memory: a host started with `--inspect=127.0.0.1:0`
 * names its inspector's WebSocket in its log (`Debugger listening on ws://…`); `hostMemory` connects
 * there, runs a full garbage collection (HeapProfiler.collectGarbage, Chrome DevTools Protocol) and
 * reads `process.memoryUsage()` in the host. Test only: an inspector lets anyone on loopback run code
 * in the host, so only `npm run restartloop -- N --probe` starts hosts this way.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** A host's memory after a full collection (bytes). */
export interface HostMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly arrayBuffers: number;
}

/**
 * Collects garbage in the host whose log is `logFile` and reads its memory.
 * @throws Error when the log names no inspector or the inspector does not answer within `timeoutMs`
 */
export async function hostMemory(logFile: string, timeoutMs = 5000): Promise<HostMemory> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'))?.[1];
  if (url === undefined) throw new Error(`${logFile} names no inspector`);
  const socket = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    let id = 0;
    const call = (method: string, params: object = {}) =>
      new Promise<{ result?: { result?: { value?: string } } }>((resolve, reject) => {
        const mine = ++id;
        const timer = setTimeout(() => reject(new Error(`${method}: no answer in ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(data.toString()) as { id?: number; result?: { result?: { value?: string } } };
          if (message.id !== mine) return;
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(message);
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id: mine, method, params }));
      });
    await call('HeapProfiler.collectGarbage');
    const answer = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const memory = JSON.parse(answer.result?.result?.value ?? '{}') as HostMemory;
    return { rss: memory.rss, heapUsed: memory.heapUsed, arrayBuffers: memory.arrayBuffers };
  } finally {
    socket.close();
  }
}
