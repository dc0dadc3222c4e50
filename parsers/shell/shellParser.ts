/**
 * The plain-shell parser (placeholder): reports no waits yet.
 */
import type { IPromptParser, Verdict } from '../../src/common/index.js';

/** The shell prompt parser. */
export const shellParser: IPromptParser = {
  cli: 'shell',
  parse(): Verdict {
    return { state: 'unknown' };
  },
};
