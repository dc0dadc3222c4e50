/**
 * Plays a recorded prompt into a real PTY for the latency benchmark: prints the output before
 * the prompt's last chunk, then, when a byte arrives on the FIFO `TRIGGER` (a side channel: a
 * keystroke would count as the user's input), the last chunk, and stays until killed.
 * `node promptPlayer.js FILE.json TRIGGER` with `{"before": "…", "last": "…"}`.
 */
import { createReadStream, readFileSync } from 'node:fs';

const { before, last } = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { before: string; last: string };
// Like the recorded CLI: the terminal's replies to its queries are read, not echoed onto the screen.
process.stdin.setRawMode?.(true);
process.stdin.resume();
process.stdout.write(before);
createReadStream(process.argv[3] ?? '').once('data', () => process.stdout.write(last));
// Stay alive (and keep the screen) until the session is closed.
setInterval(() => {}, 60_000);
