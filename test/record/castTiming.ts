/**
 * Derives fixture expectations from a recorded cast: replays its output into a headless
 * terminal, finds when each prompt was fully drawn (the last screen change before its answer)
 * and when the answering keystroke was written (its `i` event).
 */
import xterm from '@xterm/headless';
import type { Cast } from '../../src/core/asciicast.js';

const { Terminal } = xterm;

/** The viewport text after each cast event, with the event's time. */
export interface ScreenAt {
  readonly at: number;
  readonly code: string;
  readonly data: string;
  readonly text: string;
}

/** Replays `cast` and returns the screen text after every event. */
export async function screensOf(cast: Cast): Promise<ScreenAt[]> {
  const terminal = new Terminal({ cols: cast.header.width, rows: cast.header.height, allowProposedApi: true });
  const screens: ScreenAt[] = [];
  const text = (): string => {
    const buffer = terminal.buffer.active;
    const rows: string[] = [];
    for (let y = 0; y < terminal.rows; y += 1) rows.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return rows.join('\n').replace(/\u00a0/g, ' ');
  };
  for (const [at, code, data] of cast.events) {
    if (code === 'o') await new Promise<void>((resolve) => terminal.write(data, resolve));
    if (code === 'r') {
      const [cols, rows] = data.split('x').map(Number);
      terminal.resize(cols, rows);
    }
    screens.push({ at, code, data, text: text() });
  }
  terminal.dispose();
  return screens;
}

/**
 * The time the screen last changed at or before index `end` (exclusive), walking back from
 * `end` while the text stays the same. Returns the time of the event that produced it.
 */
export function lastChangeBefore(screens: readonly ScreenAt[], end: number): number {
  const final = screens[end - 1]?.text;
  let index = end - 1;
  while (index > 0 && screens[index - 1].text === final) index -= 1;
  return screens[Math.max(0, index)].at;
}

/** Index of the first `i` event at or after `from` whose data equals `keys`, or -1. */
export function findInput(screens: readonly ScreenAt[], keys: string, from: number): number {
  for (let index = from; index < screens.length; index += 1) {
    if (screens[index].code === 'i' && screens[index].data === keys) return index;
  }
  return -1;
}

/** Rounds seconds to milliseconds for the expect files. */
export function toMillis(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
