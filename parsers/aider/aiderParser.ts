/**
 * The Aider parser. Aider asks everything through prompt_toolkit at the cursor, in the shape
 * aider/io.py `InputOutput.confirm_ask` builds: `<question> (Y)es/(N)o[/(A)ll/(S)kip all]
 * [/(D)on't ask again] [Yes]: `, with the subject (command or file name) on the rows above.
 * The line-prompt reader reads exactly that; see parsers/lineprompt/linePromptParser.ts.
 */
import { linePromptParserFor } from '../lineprompt/linePromptParser.js';

/** Aider's confirm prompts at the cursor, once output has settled; else `unknown`. */
export const aiderParser = linePromptParserFor('aider');
