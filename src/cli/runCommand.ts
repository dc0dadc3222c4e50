/**
 * `tether run <cli|command> [-- args]`: starts a session in the running daemon and attaches
 * this terminal to it (raw mode, resize follows) until the agent exits; exits with its code.
 */
import WebSocket from 'ws';
import { TetherError } from '../common/index.js';
import { readDaemonFile, resolveDataDir } from '../daemonFile.js';

/** Ctrl-] detaches without killing the session (as telnet does). */
const DETACH_KEY = '\x1d';

/** Runs `tether run`. Resolves with the agent's exit code. */
export async function runCommand(command: string, args: string[], options: { dataDir?: string; cli?: string; name?: string }): Promise<number> {
  const daemon = readDaemonFile(resolveDataDir(options.dataDir));
  const wsUrl = `${daemon.url.replace(/^http/, 'ws')}/ws`;
  const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${daemon.admin_secret}` } });
  const stdin = process.stdin;
  const stdout = process.stdout;
  const requestId = `run-${process.pid}`;
  let sessionId: string | undefined;

  return new Promise<number>((resolve, reject) => {
    const send = (message: object) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));
    const restore = () => {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      stdout.off('resize', onResize);
    };
    const onResize = () => sessionId && send({ type: 'resize', session_id: sessionId, cols: stdout.columns, rows: stdout.rows });
    const onInput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (text === DETACH_KEY) {
        restore();
        socket.close();
        resolve(0);
        return;
      }
      if (sessionId) send({ type: 'send_input', session_id: sessionId, text, raw: true });
    };
    socket.on('open', () => {
      send({
        type: 'create_session',
        request_id: requestId,
        cli: command,
        args,
        cwd: process.cwd(),
        cols: stdout.columns || 80,
        rows: stdout.rows || 24,
        ...(options.name ? { name: options.name } : {}),
      });
    });
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as Record<string, any>;
      if (message.type === 'session_created' && message.request_id === requestId) {
        sessionId = message.session.id;
        send({ type: 'subscribe', session_id: sessionId });
        if (stdin.isTTY) stdin.setRawMode(true);
        stdin.resume();
        stdin.on('data', onInput);
        stdout.on('resize', onResize);
      } else if (message.type === 'screen' && message.session_id === sessionId) {
        stdout.write(message.data);
      } else if (message.type === 'pty_output' && message.session_id === sessionId) {
        stdout.write(message.data);
      } else if (message.type === 'session_closed' && message.session_id === sessionId) {
        restore();
        socket.close();
        resolve(typeof message.exit_code === 'number' ? message.exit_code : 1);
      } else if (message.type === 'error' && (!sessionId || message.request_id === requestId)) {
        restore();
        socket.close();
        reject(new TetherError(message.code ?? 'INTERNAL', message.message ?? 'daemon error'));
      }
    });
    socket.on('error', (err) => {
      restore();
      reject(new TetherError('DAEMON_NOT_RUNNING', `cannot reach the daemon at ${wsUrl}: ${err.message}`, { cause: err }));
    });
    socket.on('close', () => {
      restore();
      resolve(1);
    });
  });
}
