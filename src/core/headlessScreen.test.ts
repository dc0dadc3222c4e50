import { describe, expect, it } from 'vitest';
import { HeadlessScreen } from './headlessScreen.js';

const write = (screen: HeadlessScreen, data: string) => new Promise<void>((resolve) => screen.write(data, resolve));

describe('HeadlessScreen', () => {
  it('snapshots rows with NBSP normalised, the title and the cursor', async () => {
    const screen = new HeadlessScreen(40, 5);
    await write(screen, '\x1b]0;✳ Claude Code\x07line one\r\n❯\u00a0typed');
    const snapshot = screen.snapshot();
    expect(snapshot.title).toBe('✳ Claude Code');
    expect(snapshot.lines[0].text).toBe('line one');
    expect(snapshot.lines[1].text).toBe('❯ typed');
    expect(snapshot.cursor).toMatchObject({ x: 7, y: 1 });
    expect(snapshot.lines).toHaveLength(5);
    screen.dispose();
  });

  it('reports cells drawn on a non-dominant background as highlights (a focused button)', async () => {
    const screen = new HeadlessScreen(40, 3);
    await write(screen, '  Allow once  \x1b[43m Allow always \x1b[0m  Reject');
    expect(screen.snapshot().lines[0].highlights).toEqual([{ start: 14, end: 28 }]);
    expect(screen.snapshot().lines[1].highlights).toEqual([]);
    screen.dispose();
  });

  it('carries the last OSC 133 shell-integration mark with its row and exit code', async () => {
    const screen = new HeadlessScreen(40, 5);
    await write(screen, '\x1b]133;A\x07$ \x1b]133;B\x07ls\r\n\x1b]133;C\x07file\r\n\x1b]133;D;0\x07\x1b]133;A\x07$ ');
    expect(screen.snapshot().shellMark).toEqual({ kind: 'A', row: 2 });
    await write(screen, '\x1b]133;B\x07false\r\n\x1b]133;C\x07\x1b]133;D;1\x07');
    expect(screen.snapshot().shellMark).toEqual({ kind: 'D', row: 3, exitCode: 1 });
    screen.dispose();
  });

  it('writes synchronously (the pinned xterm has the buffer replay needs) and tells onWriteParsed', () => {
    const screen = new HeadlessScreen(40, 3);
    let parsed = 0;
    screen.onWriteParsed(() => parsed++);
    expect(screen.canWriteSync).toBe(true);
    screen.writeSync('first\r\n\x1b]0;title\x07');
    screen.writeSync('second');
    expect(parsed).toBe(2);
    const snapshot = screen.snapshot();
    expect(snapshot.lines.map((line) => line.text)).toEqual(['first', 'second', '']);
    expect(snapshot.title).toBe('title');
    screen.dispose();
  });

  it('serialises the screen for late subscribers', async () => {
    const screen = new HeadlessScreen(20, 3);
    await write(screen, 'hello\r\nworld');
    const copy = new HeadlessScreen(20, 3);
    await write(copy, screen.serialize());
    expect(copy.snapshot().lines.map((l) => l.text)).toEqual(['hello', 'world', '']);
    screen.dispose();
    copy.dispose();
  });
});
