/**
 * The Gemini parser (placeholder until its screens are studied): reports no waits, so the
 * CLI can run in Tether without false alarms.
 */
import type { IPromptParser, Verdict } from '../../src/common/index.js';

/** The Gemini prompt parser. */
export const geminiParser: IPromptParser = {
  cli: 'gemini',
  parse(): Verdict {
    return { state: 'unknown' };
  },
};
