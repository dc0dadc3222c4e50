/** Any other command: the descriptor the registry falls back to. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { genericParser } from './genericParser.js';

/**
 * A command Tether has no descriptor for: only y/n line prompts at the cursor are read, and
 * notifications name the agent after the command.
 */
export const genericCli: CliDescriptor = {
  id: 'generic',
  displayName: 'Agent',
  commands: [],
  parser: genericParser,
  answers: { submitKey: ENTER },
  fallback: false,
  notification: { nameFromCommand: true },
};
