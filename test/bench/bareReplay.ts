/**
 * The bare side of the replay benchmark, run as its own process: reads an asciicast and writes
 * its output events into a bare @xterm/headless terminal of the cast's size (resizing on `r`),
 * then waits until all of it is parsed. `node bareReplay.js FILE.cast`
 */
import { readFileSync } from 'node:fs';
import xtermHeadless from '@xterm/headless';

const { Terminal } = xtermHeadless as unknown as typeof import('@xterm/headless');

const lines = readFileSync(process.argv[2] ?? '', 'utf8').split('\n');
const header = JSON.parse(lines[0] ?? '{}') as { width: number; height: number };
// The same scrollback as a session's screen (src/core/headlessScreen.ts).
const terminal = new Terminal({ cols: header.width, rows: header.height, scrollback: 5000, allowProposedApi: true });
for (let i = 1; i < lines.length; i++) {
  if (!lines[i]) continue;
  const [, code, data] = JSON.parse(lines[i]) as [number, string, string];
  if (code === 'o') terminal.write(data);
  else if (code === 'r') {
    const [cols, rows] = data.split('x').map(Number);
    terminal.resize(cols, rows);
  }
}
terminal.write('', () => process.exit(0));
