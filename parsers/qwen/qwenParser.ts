/**
 * The Qwen parser (placeholder until its screens are studied): reports no waits, so the
 * CLI can run in Tether without false alarms.
 */
import type { IPromptParser, Verdict } from '../../src/common/index.js';

/** The Qwen prompt parser. */
export const qwenParser: IPromptParser = {
  cli: 'qwen',
  parse(): Verdict {
    return { state: 'unknown' };
  },
};
