/**
 * The generic parser for commands Tether has no parser of its own for (Aider and other
 * line-prompt CLIs): it reports only a y/n line prompt waiting at the cursor, once output has
 * settled, and nothing else, so an unknown full-screen program never raises a false alarm.
 */
import type { IPromptParser, ParseContext, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { isStillWriting, readLinePrompt } from '../lineprompt/linePromptParser.js';

/** Line prompts at the cursor, else `unknown`. */
export const genericParser: IPromptParser = {
  cli: 'generic',
  parse(screen: ScreenSnapshot, _nowMs: number, context?: ParseContext): Verdict {
    if (screen.altScreen || isStillWriting(context)) return { state: 'unknown' };
    const prompt = readLinePrompt(screen);
    return prompt ? { state: 'waiting', prompt } : { state: 'unknown' };
  },
};
