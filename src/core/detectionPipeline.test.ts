import { describe, expect, it } from 'vitest';
import { DetectionPipeline, QUIET_MS } from './detectionPipeline.js';
import { VirtualClock } from './clocks.js';

const IDLE_SCREEN = ['\x1b]0;✳ Claude Code\x07', '─'.repeat(80), '\r\n❯\u00a0\r\n', '─'.repeat(80), '\r\n  ? for shortcuts'].join('');

function setup() {
  const clock = new VirtualClock(1_000);
  let seq = 0;
  const pipeline = new DetectionPipeline({ sessionId: 's', cli: 'claude', cols: 80, rows: 24, clock, nextSeq: () => ++seq });
  const events: Array<{ type: string; cause?: string }> = [];
  pipeline.onEvent((e) => events.push(e));
  const write = (data: string) => new Promise<void>((resolve) => pipeline.write(data, resolve));
  return { clock, pipeline, events, write };
}

describe('DetectionPipeline', () => {
  it('reads the screen once output has been quiet, on the pipeline clock', async () => {
    const { clock, events, write } = setup();
    await write(IDLE_SCREEN);
    clock.advanceTo(1_000 + QUIET_MS - 1);
    expect(events).toHaveLength(0);
    clock.advanceTo(1_000 + QUIET_MS);
    expect(events).toEqual([expect.objectContaining({ type: 'waiting_for_input', wait_type: 'awaiting_response' })]);
  });

  it('never clears a wait on terminal replies, but does on keystrokes', async () => {
    const { clock, pipeline, events, write } = setup();
    await write(IDLE_SCREEN);
    clock.advanceTo(2_000);
    expect(pipeline.input('\x1b[?1;2c')).toBe(false);
    expect(pipeline.input('\x1b]11;rgb:0000/0000/0000\x1b\\')).toBe(false);
    expect(events).toHaveLength(1);
    expect(pipeline.input('h')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'waiting_cleared', cause: 'input' });
  });

  it('answers terminal queries so the CLI does not stall', async () => {
    const { pipeline, write } = setup();
    const replies: string[] = [];
    pipeline.onReply((data) => replies.push(data));
    await write('\x1b[c\x1b[6n');
    expect(replies.join('')).toMatch(/\x1b\[\?[\d;]*c/);
    expect(replies.join('')).toMatch(/\x1b\[\d+;\d+R/);
  });
});

describe('DetectionPipeline activity', () => {
  it('reports status changes read off the screen: idle, busy with its operation, exited', async () => {
    const { clock, pipeline, write } = setup();
    const seen: string[] = [];
    pipeline.onActivity((a) => seen.push(`${a.status}${a.operation ? `:${a.operation}` : ''}`));
    await write(IDLE_SCREEN);
    clock.advanceTo(2_000);
    await write('\x1b[2J\x1b[H\x1b]0;⠂ Claude Code\x07✻ Pondering… (2s)\r\n' + '─'.repeat(80) + '\r\n❯\u00a0\r\n' + '─'.repeat(80) + '\r\n  esc to interrupt');
    clock.advanceTo(3_000);
    pipeline.exited();
    expect(seen).toEqual(['idle', 'busy:Pondering…', 'exited']);
    expect(pipeline.activity.status).toBe('exited');
  });
});
