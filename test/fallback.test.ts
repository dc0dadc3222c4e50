/**
 * The fallback reader end to end: a real recording replayed with its CLI's parser switched off
 * still raises the tool approval, with `confidence: "low"`, answerable options, and one drift
 * record; with the parser on, the same recording raises no low-confidence prompt and no drift.
 */
import { describe, expect, it } from 'vitest';
import type { DriftReport } from '../src/common/index.js';
import { FALLBACK_HOLD_MS } from '../src/core/detectionPipeline.js';
import { replayCast } from '../src/core/replay.js';
import { loadFixtures } from './bench/fixtureSet.js';

const fixtures = loadFixtures();
const fixture = (name: string) => {
  const found = fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
};

describe('fallback reader on a real recording with the parser switched off', () => {
  for (const name of ['qwen/shell-approve.120x40', 'codex/exec-approve.80x24']) {
    it(`${name}: catches the tool approval with confidence low and counts it as drift`, async () => {
      const { cast, expect: expected } = fixture(name);
      const drift: DriftReport[] = [];
      const events = await replayCast(cast, { cli: expected.cli, parserOff: true, drift: { recordDrift: (report) => drift.push(report) } });
      const approval = expected.events.find((e) => e.wait_type === 'tool_approval')!;
      const caught = events.filter((e) => e.type === 'waiting_for_input');
      expect(caught).toHaveLength(1);
      expect(caught[0]).toMatchObject({ wait_type: 'tool_approval', confidence: 'low' });
      expect(caught[0].at).toBeGreaterThanOrEqual(approval.at);
      expect(caught[0].at).toBeLessThanOrEqual(approval.at + (FALLBACK_HOLD_MS + expected.tolerance_ms) / 1000);
      // Labels as drawn (a CLI's own parser may strip its key hints such as Codex's `(y)`).
      caught[0].options?.forEach((option, i) => expect(option.label.startsWith(approval.options![i])).toBe(true));
      expect(caught[0].options).toHaveLength(approval.options!.length);
      expect(caught[0].options?.map((o) => o.id)).toEqual(approval.options?.map((_, i) => String(i + 1)));
      // The answer clears it like any prompt.
      expect(events.find((e) => e.type === 'waiting_cleared')?.prompt_id).toBe(caught[0].prompt_id);
      expect(drift).toEqual([expect.objectContaining({ cli: expected.cli, kind: 'fallback_prompt', sample: expect.stringContaining('tool_approval') })]);
    });
  }

  it('raises nothing low-confidence and no drift with the parser on', async () => {
    const { cast, expect: expected } = fixture('qwen/shell-approve.120x40');
    const drift: DriftReport[] = [];
    const events = await replayCast(cast, { cli: expected.cli, drift: { recordDrift: (report) => drift.push(report) } });
    expect(events.filter((e) => e.confidence === 'low')).toEqual([]);
    expect(drift).toEqual([]);
  });
});
