/**
 * `tether run <cli|command> [-- args]`: starts a session in the running daemon and attaches
 * this terminal to it (raw mode, resize follows) until the agent exits; exits with its code.
 * When the daemon goes away (restart, crash, update) and the agent lives on in its session host,
 * it waits for the next daemon (re-reading daemon.json), subscribes again with `since`, and goes
 * on: the terminal sees a short pause. Keys typed while no daemon is there are dropped, not replayed.
 */
import WebSocket from 'ws';
import { TetherError } from '../common/index.js';
import { readDaemonFile, resolveDataDir } from '../daemonFile.js';

/** Ctrl-] detaches without killing the session (as telnet does). */
const DETACH_KEY = '\x1d';
/** How long to wait for a daemon to come back before giving up (ms): a restart or an update takes seconds. */
const RECONNECT_TIMEOUT_MS = 60_000;
/** Pause between reconnection attempts (ms). */
const RECONNECT_INTERVAL_MS = 250;

/** Runs `tether run`. Resolves with the agent's exit code. */
export async function runCommand(command: string, args: string[], options: { dataDir?: string; cli?: string; name?: string }): Promise<number> {
  const dataDir = resolveDataDir(options.dataDir);
  readDaemonFile(dataDir);
  const stdin = process.stdin;
  const stdout = process.stdout;
  const requestId = `run-${process.pid}`;
  let sessionId: string | undefined;
  let lastSeq: number | undefined;
  let socket: WebSocket | undefined;
  let done = false;
  /** The agent exited while no daemon ran: finish once its last screen is drawn. */
  let exitedMeanwhile: number | undefined;

  return new Promise<number>((resolve, reject) => {
    const send = (message: object) => socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));
    const restore = () => {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onInput);
      stdout.off('resize', onResize);
    };
    const finish = (result: { code: number } | { error: TetherError }) => {
      if (done) return;
      done = true;
      restore();
      socket?.close();
      if ('code' in result) resolve(result.code);
      else reject(result.error);
    };
    const onResize = () => sessionId && send({ type: 'resize', session_id: sessionId, cols: stdout.columns, rows: stdout.rows });
    const onInput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (text === DETACH_KEY) return finish({ code: 0 });
      if (sessionId) send({ type: 'send_input', session_id: sessionId, text, raw: true });
    };
    const attachTerminal = () => {
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', onInput);
      stdout.on('resize', onResize);
    };

    const open = (onFail: (err: Error) => void) => {
      let daemon;
      try {
        daemon = readDaemonFile(dataDir);
      } catch (err) {
        onFail(err as Error);
        return;
      }
      const wsUrl = `${daemon.url.replace(/^http/, 'ws')}/ws`;
      const current = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${daemon.admin_secret}` } });
      socket = current;
      let opened = false;
      current.on('open', () => {
        opened = true;
        if (sessionId === undefined) {
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
        } else {
          // Back after a daemon restart: the new daemon answers `since` from before it with a fresh screen.
          send({ type: 'subscribe', session_id: sessionId, request_id: requestId, ...(lastSeq !== undefined ? { since: lastSeq } : {}) });
          onResize();
        }
      });
      current.on('message', (raw) => onMessage(JSON.parse(raw.toString()) as Record<string, any>));
      current.on('error', (err) => {
        if (!opened) onFail(err);
      });
      current.on('close', () => {
        if (done || current !== socket) return;
        if (!opened) return;
        if (sessionId === undefined) return finish({ code: 1 });
        reconnect(Date.now() + RECONNECT_TIMEOUT_MS);
      });
    };

    const reconnect = (deadline: number) => {
      if (done) return;
      open((err) => {
        if (Date.now() > deadline) {
          finish({ error: new TetherError('DAEMON_NOT_RUNNING', `the daemon did not come back within ${RECONNECT_TIMEOUT_MS / 1000} s: ${err.message}`, { cause: err }) });
          return;
        }
        setTimeout(() => reconnect(deadline), RECONNECT_INTERVAL_MS);
      });
    };

    const onMessage = (message: Record<string, any>) => {
      if (message.type === 'session_created' && message.request_id === requestId) {
        sessionId = message.session.id;
        send({ type: 'subscribe', session_id: sessionId });
        attachTerminal();
      } else if ((message.type === 'screen' || message.type === 'resync') && message.session_id === sessionId) {
        // A fresh screen (first attach, or a new daemon): draw it from a cleared screen.
        stdout.write(lastSeq === undefined ? message.data : `\x1b[H\x1b[2J${message.data}`);
        lastSeq = message.seq;
        if (exitedMeanwhile !== undefined) finish({ code: exitedMeanwhile });
      } else if (message.type === 'sessions' && sessionId !== undefined) {
        const session = (message.sessions as Array<{ id: string; status: string; exit_code: number | null }>).find((s) => s.id === sessionId);
        if (!session) finish({ error: new TetherError('SESSION_NOT_FOUND', 'the session did not survive the daemon restart') });
        else if (session.status === 'exited') exitedMeanwhile = session.exit_code ?? 1;
      } else if (message.type === 'pty_output' && message.session_id === sessionId) {
        stdout.write(message.data);
        lastSeq = message.seq;
      } else if (message.type === 'session_closed' && message.session_id === sessionId) {
        finish({ code: typeof message.exit_code === 'number' ? message.exit_code : 1 });
      } else if (message.type === 'error' && (!sessionId || message.request_id === requestId)) {
        finish({ error: new TetherError(message.code ?? 'INTERNAL', message.message ?? 'daemon error') });
      }
    };

    open((err) => finish({ error: new TetherError('DAEMON_NOT_RUNNING', `cannot reach the daemon: ${err.message}`, { cause: err }) }));
  });
}
