/**
 * A phone for the live benchmark, run as its own process (a phone is another device): connects
 * with a paired token, subscribes to one session, prints `ready` once its screen arrived, reads
 * (and JSON-parses) every message like an app would, and at `session_closed` prints what it got:
 * `{"bytes","frames","resyncs"}`. `node livePhone.js WS_URL TOKEN SESSION_ID`
 */
import { WebSocket } from 'ws';

const [url, token, sessionId] = process.argv.slice(2);
const socket = new WebSocket(url ?? '', { headers: { authorization: `Bearer ${token}` } });
let bytes = 0;
let frames = 0;
let resyncs = 0;
socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', session_id: sessionId, request_id: 'subscribe' })));
socket.on('message', (raw) => {
  const message = JSON.parse(String(raw)) as { type: string; session_id?: string; data?: string; request_id?: string };
  if (message.session_id !== sessionId) return;
  if (message.type === 'screen' && message.request_id === 'subscribe') process.stdout.write('ready\n');
  else if (message.type === 'pty_output') {
    bytes += message.data?.length ?? 0;
    frames++;
  } else if (message.type === 'resync') resyncs++;
  else if (message.type === 'session_closed') {
    process.stdout.write(`${JSON.stringify({ bytes, frames, resyncs })}\n`);
    socket.close();
  }
});
socket.on('close', () => process.exit(0));
socket.on('error', (err) => {
  console.error(err);
  process.exit(1);
});
