/**
 * The generic parser for commands Tether has no parser for: it never reports a wait, so an
 * unknown program can never raise a false alarm. (Line-prompt and shell parsers come later.)
 */
import type { IPromptParser, ScreenSnapshot, Verdict } from '../../src/common/index.js';

/** A parser that only ever says `unknown`. */
export const genericParser: IPromptParser = {
  cli: 'generic',
  parse(_screen: ScreenSnapshot, _nowMs: number): Verdict {
    return { state: 'unknown' };
  },
};
