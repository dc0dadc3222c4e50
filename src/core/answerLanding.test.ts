/**
 * sendKeys against a simulated dialog on a virtual clock that, like Claude Code 2.1.332's, drops
 * without a trace any key read within its answer window after it was painted, and closes (the
 * screen changes) on a key it takes.
 */
import { describe, expect, it } from 'vitest';
import type { PromptInfo } from '../common/index.js';
import type { KeyStep } from './answerMapper.js';
import { LAND_CHECK_MS, MAX_SETTLE_WAIT_MS, sendKeys, type LandingPort } from './answerLanding.js';

const APPROVAL: PromptInfo = {
  waitType: 'tool_approval',
  toolName: 'Bash',
  content: 'Bash command\ntouch created-by-tool.txt\nDo you want to proceed?',
  options: [
    { id: '1', label: 'Yes', keys: '1', role: 'approve' },
    { id: '2', label: 'No', keys: '2', role: 'deny' },
  ],
  acceptsText: false,
};

class SimulatedDialog implements LandingPort {
  now = 0;
  /** When the dialog was last painted (ms). */
  paintedAt = 0;
  /** Keys read sooner than this after the paint are dropped (ms). */
  windowMs = 150;
  /** Output keeps flowing (a spinner elsewhere) until this time (ms). */
  busyUntil = 0;
  open = true;
  /** Another prompt replaced the dialog on the same screen text (the parser reads it instead). */
  other: PromptInfo | undefined;
  readonly writes: Array<{ at: number; data: string }> = [];

  write(data: string): void {
    this.writes.push({ at: this.now, data });
    if (this.now - this.paintedAt >= this.windowMs) this.open = false;
  }
  screenText(): string {
    return this.open ? 'dialog' : 'tool running';
  }
  quietMs(): number {
    return this.now < this.busyUntil ? 0 : this.now - Math.max(this.paintedAt, this.busyUntil);
  }
  prompt(): PromptInfo | undefined {
    return this.open ? (this.other ?? APPROVAL) : undefined;
  }
  nextChange(ms: number): Promise<void> {
    this.now += ms;
    return Promise.resolve();
  }
  closed(): boolean {
    return false;
  }
}

function answer(dialog: SimulatedDialog, settleMs = 250) {
  const remapped: PromptInfo[] = [];
  const remap = (prompt: PromptInfo): KeyStep[] => {
    remapped.push(prompt);
    return [{ write: prompt.options[0].keys }];
  };
  const run = async (steps: readonly KeyStep[]) => {
    for (const step of steps) if ('write' in step) dialog.write(step.write);
  };
  const watch = sendKeys(dialog, [{ write: '1' }], { prompt: APPROVAL, remap, settleMs }, run, () => dialog.now);
  return { watch, remapped };
}

describe('answer keys that land', () => {
  it('holds the keys until the dialog has been quiet for the settle time, and one key is enough', async () => {
    const dialog = new SimulatedDialog();
    dialog.now = 10;
    const { watch, remapped } = answer(dialog);
    expect(await (await watch)()).toBe('landed');
    expect(dialog.writes).toHaveLength(1);
    expect(dialog.writes[0].at).toBeGreaterThanOrEqual(250);
    expect(remapped).toEqual([]);
  });

  it('writes anyway after MAX_SETTLE_WAIT_MS when the screen never holds still', async () => {
    const dialog = new SimulatedDialog();
    dialog.busyUntil = 60_000;
    dialog.windowMs = 0;
    const { watch } = answer(dialog);
    expect(await (await watch)()).toBe('landed');
    expect(dialog.writes[0].at).toBeGreaterThanOrEqual(MAX_SETTLE_WAIT_MS);
    expect(dialog.writes[0].at).toBeLessThan(MAX_SETTLE_WAIT_MS + 100);
  });

  it('maps a refused answer again from the screen and sends it once more after LAND_CHECK_MS of an unchanged screen', async () => {
    const dialog = new SimulatedDialog();
    dialog.windowMs = 2000;
    const { watch, remapped } = answer(dialog);
    expect(await (await watch)()).toBe('resent');
    expect(dialog.writes.map((w) => w.data)).toEqual(['1', '1']);
    expect(dialog.writes[1].at - dialog.writes[0].at).toBeGreaterThanOrEqual(LAND_CHECK_MS);
    expect(remapped).toEqual([APPROVAL]);
    expect(dialog.open).toBe(false);
  });

  it('reports a dialog that refuses the keys twice, and never sends them a third time', async () => {
    const dialog = new SimulatedDialog();
    dialog.windowMs = Number.POSITIVE_INFINITY;
    const { watch } = answer(dialog);
    expect(await (await watch)()).toBe('refused');
    expect(dialog.writes).toHaveLength(2);
  });

  it('sends nothing more when the parser reads another prompt than the one answered', async () => {
    const dialog = new SimulatedDialog();
    dialog.windowMs = Number.POSITIVE_INFINITY;
    dialog.other = { ...APPROVAL, content: 'Edit file\nsrc/a.ts\nDo you want to make this edit?' };
    const { watch, remapped } = answer(dialog);
    expect(await (await watch)()).toBe('landed');
    expect(dialog.writes).toHaveLength(1);
    expect(remapped).toEqual([]);
  });
});
