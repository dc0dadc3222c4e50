/**
 * The Opencode parser (placeholder until its screens are studied): reports no waits, so the
 * CLI can run in Tether without false alarms.
 */
import type { IPromptParser, Verdict } from '../../src/common/index.js';

/** The Opencode prompt parser. */
export const opencodeParser: IPromptParser = {
  cli: 'opencode',
  parse(): Verdict {
    return { state: 'unknown' };
  },
};
