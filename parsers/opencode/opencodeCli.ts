/** OpenCode (sst, verified against 1.18.33): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { opencodeParser } from './opencodeParser.js';

/** OpenCode. */
export const opencodeCli: CliDescriptor = {
  id: 'opencode',
  displayName: 'OpenCode',
  commands: ['opencode'],
  parser: opencodeParser,
  answers: { submitKey: ENTER },
  recording: async () => (await import('./opencodeRecording.js')).recording,
};
