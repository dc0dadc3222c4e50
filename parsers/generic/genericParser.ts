/**
 * The generic parser for commands Tether has no parser of its own for: it reports only a y/n
 * line prompt waiting at the cursor, once output has settled, and nothing else, so an unknown
 * full-screen program never raises a false alarm.
 */
import { linePromptParserFor } from '../lineprompt/linePromptParser.js';

/** Line prompts at the cursor, else `unknown`. */
export const genericParser = linePromptParserFor('generic');
