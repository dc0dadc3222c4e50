/** Codex CLI (OpenAI, verified against 0.169.0): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { codexParser } from './codexParser.js';

/** Codex CLI. */
export const codexCli: CliDescriptor = {
  id: 'codex',
  displayName: 'Codex',
  commands: ['codex'],
  parser: codexParser,
  answers: { submitKey: ENTER },
  recording: async () => (await import('./codexRecording.js')).recording,
};
