/** Plain shells (bash, zsh, fish, sh, dash): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { shellParser } from './shellParser.js';

/** A plain shell; `bash` is the one a UI offers to start. */
export const shellCli: CliDescriptor = {
  id: 'shell',
  displayName: 'Shell',
  commands: ['bash', 'zsh', 'sh', 'fish', 'dash'],
  parser: shellParser,
  answers: { submitKey: ENTER },
  recording: async () => (await import('./shellRecording.js')).recording,
  fallback: false,
};
