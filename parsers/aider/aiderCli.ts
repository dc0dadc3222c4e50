/** Aider (aider-chat, a line-prompt CLI): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { aiderParser } from './aiderParser.js';

/** Aider: its confirm prompts are typed answers (`y` + Enter), read by the line-prompt reader. */
export const aiderCli: CliDescriptor = {
  id: 'aider',
  displayName: 'Aider',
  commands: ['aider'],
  parser: aiderParser,
  answers: { submitKey: ENTER },
  recording: async () => (await import('./aiderRecording.js')).recording,
};
