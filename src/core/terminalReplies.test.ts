import { describe, expect, it } from 'vitest';
import { isTerminalReply } from './terminalReplies.js';

describe('isTerminalReply', () => {
  it.each([
    ['DA1', '\x1b[?1;2c'],
    ['DA2', '\x1b[>0;276;0c'],
    ['cursor position', '\x1b[24;80R'],
    ['OSC 11 background', '\x1b]11;rgb:0000/0000/0000\x1b\\'],
    ['OSC 10 with BEL', '\x1b]10;rgb:ffff/ffff/ffff\x07'],
    ['DECRPM', '\x1b[?2026;2$y'],
    ['XTVERSION', '\x1bP>|xterm.js(6.0.0)\x1b\\'],
    ['focus in', '\x1b[I'],
    ['several replies in one read', '\x1b[?1;2c\x1b[24;80R'],
  ])('treats %s as a reply', (_name, data) => {
    expect(isTerminalReply(data)).toBe(true);
  });

  it.each([
    ['a digit', '1'],
    ['Enter', '\r'],
    ['Escape', '\x1b'],
    ['an arrow key', '\x1b[B'],
    ['typed text', 'hello'],
    ['a reply followed by a keystroke', '\x1b[?1;2cy'],
  ])('treats %s as user input', (_name, data) => {
    expect(isTerminalReply(data)).toBe(false);
  });
});
