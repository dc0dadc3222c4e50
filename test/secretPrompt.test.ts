/**
 * An API-key box (Codex's first-run sign-in, recorded with 0.171.0; Gemini CLI 0.61.0's "Enter
 * Gemini API Key") is a `clarifying_question` that takes text and is `sensitive`: the key typed
 * into it — echoed in clear on the CLI's screen — never reaches a `waiting_for_input` event, a
 * notification (even with full content), or a drift record.
 */
import { describe, expect, it } from 'vitest';
import type { DriftReport, WaitingForInputEvent } from '../src/common/index.js';
import { replayCast } from '../src/core/replay.js';
import { buildPushNotification } from '../src/push/notification.js';
import { FIXTURE_API_KEY } from '../parsers/cliRecording.js';
import { loadFixtures } from './bench/fixtureSet.js';
import { screensOf } from './record/castTiming.js';

/** The recordings that type FIXTURE_API_KEY into a key box. */
const KEY_FIXTURES = ['codex/0.171.0-sign-in-api-key.120x40', 'gemini/auth-api-key.120x40'];
/** Enough of the key to recognise it anywhere. */
const KEY_PART = FIXTURE_API_KEY.slice(0, 12);
const fixtures = loadFixtures();

describe('a secret typed into an API-key box', () => {
  for (const name of KEY_FIXTURES) {
    it(`${name}: is on the recorded screen but in no event, notification or drift record`, async () => {
      const fixture = fixtures.find((f) => f.name === name);
      expect(fixture, name).toBeDefined();
      const cast = fixture!.cast;
      // The CLI echoes the key in clear: it is on the recorded screen.
      expect((await screensOf(cast)).some((screen) => screen.text.includes(FIXTURE_API_KEY))).toBe(true);
      const drift: DriftReport[] = [];
      const cli = name.split('/')[0];
      const events = await replayCast(cast, { cli, drift: { recordDrift: (report) => drift.push(report) } });
      const keyBox = events.find((e) => e.type === 'waiting_for_input' && e.kind === 'api_key');
      expect(keyBox).toMatchObject({ wait_type: 'clarifying_question', sensitive: true });
      for (const event of events) expect(JSON.stringify(event)).not.toContain(KEY_PART);
      for (const event of events.filter((e) => e.type === 'waiting_for_input')) {
        const wire = { ...event, type: 'waiting_for_input', session_id: 's', seq: 1, timestamp: '', cli_type: cli, options: event.options ?? [], prompt_content: event.prompt_content ?? '' } as WaitingForInputEvent;
        const notification = buildPushNotification(wire, { content: 'full', nowMs: 0 });
        expect(JSON.stringify(notification)).not.toContain(KEY_PART);
      }
      expect(JSON.stringify(drift)).not.toContain(KEY_PART);
    });
  }
});
