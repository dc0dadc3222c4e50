/**
 * OpenCode in the voices study: no hooks, but in-process plugins. A per-session plugin file is
 * named in `OPENCODE_CONFIG_CONTENT` (an extra config layer, so the user's opencode.json stays
 * as it is); it posts every bus event and its tool/permission hooks to the sink with `fetch`,
 * without awaiting (no process per event, nothing blocks). One turn against the mock Chat
 * Completions server reasons, writes todos, runs bash behind a permission, reads a missing file
 * and ends. The session store (a SQLite file in 1.18) is copied for study.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startMockOpenAiChat, type ChatReply } from '../../mock/openaiChatServer.js';
import { PtyDriver } from '../ptyDriver.js';
import type { HookSink } from './hookSink.js';
import { requestGaps, writeLatency } from './latency.js';
import { copyMatching, sleep, studyEnv, StudySession, type HookKind } from './study.js';

/** The plugin: forwards, never awaits, never throws; silent when TETHER_HOOK_URL is unset. */
const PLUGIN_SOURCE = `// Tether voices study plugin: forwards OpenCode's events to TETHER_HOOK_URL, fire-and-forget.
export const TetherVoices = async () => {
  const base = process.env.TETHER_HOOK_URL;
  const post = (label, body) => {
    if (!base) return;
    fetch(base + '/plugin/' + label, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => {});
  };
  return {
    event: async ({ event }) => post('event.' + event.type, event),
    'tool.execute.before': async (input, output) => post('tool.execute.before', { input, output }),
    'tool.execute.after': async (input, output) => post('tool.execute.after', { input, output }),
    'permission.ask': async (input, output) => post('permission.ask', { input, output }),
    'chat.message': async (input, output) => post('chat.message', { input, output }),
  };
};
`;

/** Options of one OpenCode run. */
export interface OpencodeRun {
  readonly bin: string;
  readonly version: string;
  readonly kind: HookKind;
  readonly sink: HookSink;
  readonly outDir: string;
  readonly home: string;
  readonly projectDir: string;
  readonly loop?: number;
}

function toolNames(body: any): string[] {
  return (body?.tools ?? []).map((tool: any) => String(tool?.function?.name));
}

function opencodeSteps(body: any, projectDir: string): ChatReply[] {
  const names = toolNames(body);
  const todo = names.find((name) => /todo.*write|write.*todo/i.test(name)) ?? 'todowrite';
  const todos = (first: string, second: string): ChatReply => ({
    toolCalls: [{ name: todo, arguments: { todos: [{ id: '1', content: 'Write hello to out.txt', status: first, priority: 'high' }, { id: '2', content: 'Read the notes', status: second, priority: 'medium' }] } }],
  });
  return [
    { reasoning: 'The user wants two things done; a todo list keeps them visible.', text: 'I will track this with a todo list.', ...todos('in_progress', 'pending') },
    { toolCalls: [{ name: 'bash', arguments: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } }] },
    todos('completed', 'in_progress'),
    { text: 'Now the notes.', toolCalls: [{ name: 'read', arguments: { filePath: path.join(projectDir, 'missing-notes.md') } }] },
    todos('completed', 'completed'),
    { text: 'All done: out.txt says hello, and there are no notes.' },
  ];
}

/** The study's server password (a real session would use a random one). */
const SERVER_PASSWORD = 'voices-study';

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Reads the server's SSE stream (`data: {json}` frames) into the sink's record as `sse/<type>`. */
function subscribeEvents(url: string, sink: HookSink): AbortController {
  const controller = new AbortController();
  const started = performance.now();
  void (async () => {
    try {
      const authorization = `Basic ${Buffer.from(`opencode:${SERVER_PASSWORD}`).toString('base64')}`;
      const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream', authorization } });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (!data) continue;
          const body = JSON.parse(data);
          sink.calls.push({ label: `sse/${body?.type ?? 'unknown'}`, atMs: performance.now() - started, body, headers: {} });
        }
      }
    } catch {
      // aborted at the end of the run, or the CLI went away
    }
  })();
  return controller;
}

/** OpenCode's idle input panel (not busy). */
const IDLE = /╹▀{8,}\s*\n(?!.*esc (again to )?interrupt).*\S/;
/** Keys are dropped for a while after the title appears. */
const WARMUP_MS = 4000;

/**
 * Runs one OpenCode session and copies its store into `outDir/transcripts`.
 * @throws Error when a screen does not show up in time.
 */
export async function runOpencode(run: OpencodeRun, log: (line: string) => void): Promise<void> {
  let steps: ChatReply[] | undefined;
  const mock = await startMockOpenAiChat({
    script: (state) => {
      steps ??= run.loop
        ? [...Array.from({ length: run.loop }, (): ChatReply => ({ toolCalls: [{ name: 'read', arguments: { filePath: path.join(run.projectDir, 'README.md') } }] })), { text: 'Loop done.' }]
        : opencodeSteps(state.body, run.projectDir);
      return steps[state.assistantTurns] ?? { text: 'Done.' };
    },
  });
  const env = await studyEnv('opencode', { mockUrl: mock.url, home: run.home, projectDir: run.projectDir });
  const pluginFile = path.join(path.dirname(run.home), 'tether-opencode-plugin.js');
  fs.writeFileSync(pluginFile, PLUGIN_SOURCE);
  const extraConfig = run.kind === 'plugin' ? { plugin: [`file://${pluginFile}`] } : {};
  // `sse`: no plugin; the TUI's own server listens on a known port and Tether reads GET /event.
  const port = run.kind === 'sse' ? await freePort() : undefined;
  const driver = PtyDriver.spawn({
    command: run.bin,
    args: port ? ['--port', String(port)] : [],
    cols: 120,
    rows: 40,
    cwd: env.projectDir,
    // The server asks for basic auth (user `opencode`) once a password is set: a per-session secret.
    env: { ...env.env, OPENCODE_CONFIG_CONTENT: JSON.stringify(extraConfig), TETHER_HOOK_URL: `${run.sink.url}/hook`, OPENCODE_SERVER_PASSWORD: SERVER_PASSWORD },
  });
  const session = new StudySession(driver, run.outDir);
  let subscription: AbortController | undefined;
  try {
    const deadline = Date.now() + 150_000;
    while (!/^(OpenCode|OC \|)/.test(driver.title) && Date.now() < deadline) await sleep(100);
    await sleep(WARMUP_MS);
    if (port) {
      const unauthorized = await fetch(`http://127.0.0.1:${port}/session`);
      log(`GET /session without the password: ${unauthorized.status}`);
      subscription = subscribeEvents(`http://127.0.0.1:${port}/event`, run.sink);
    }
    await session.see(IDLE, 'idle');
    if (run.loop) {
      await session.submit('Read the readme many times.', 400);
      await session.see(/Loop done\./, 'loop-done', 240_000);
      const summary = writeLatency(run.outDir, `opencode ${run.version} ${run.kind}`, requestGaps(mock.mainRequests().map((request) => request.atMs)));
      log(`latency ${JSON.stringify(summary)}`);
    } else {
      await session.submit('Make a todo list, write hello to out.txt, then read the notes.', 400);
      const answered = await session.answerUntil(/All done: out\.txt says hello/, /△ Permission required[\s\S]*(⇆ select|ctrl\+f fullscreen)/, ['\r']);
      log(`permissions answered: ${answered}`);
      await session.see(IDLE, 'idle-after');
      await sleep(1500);
    }
  } finally {
    subscription?.abort();
    await session.end(1000);
    log(`opencode ${run.version}: tools offered ${JSON.stringify(toolNames(mock.mainRequests()[0]?.body))}`);
    fs.writeFileSync(path.join(run.outDir, 'model-messages.json'), JSON.stringify(mock.mainRequests().at(-1)?.body?.messages ?? [], null, 2));
    copyMatching(path.join(env.home, '.local', 'share', 'opencode'), path.join(run.outDir, 'transcripts'), /\.(json|db|db-wal|db-shm|jsonl)$/);
    env.cleanup();
    await mock.close();
  }
}
