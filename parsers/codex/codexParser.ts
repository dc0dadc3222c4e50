/**
 * The Codex parser (placeholder until its screens are studied): reports no waits, so the
 * CLI can run in Tether without false alarms.
 */
import type { IPromptParser, Verdict } from '../../src/common/index.js';

/** The Codex prompt parser. */
export const codexParser: IPromptParser = {
  cli: 'codex',
  parse(): Verdict {
    return { state: 'unknown' };
  },
};
