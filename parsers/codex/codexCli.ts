/** Codex CLI (OpenAI, verified against 0.169.0): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { codexParser } from './codexParser.js';
import { CODEX_HOOK_APPROVAL, codexHooks, codexTranscript } from './codexVoice.js';
import { VERSION, versionOnScreen } from '../shared/versionText.js';

/** Where the version is drawn — the banner box's first row: `>_ OpenAI Codex (v0.169.0)`. */
const VERSION_ON_SCREEN = new RegExp(`>_ OpenAI Codex \\(v(${VERSION})\\)`, 'u');

/** Codex CLI. */
export const codexCli: CliDescriptor = {
  id: 'codex',
  displayName: 'Codex',
  commands: ['codex'],
  parser: codexParser,
  answers: { submitKey: ENTER },
  /** `codex resume <session id>`: a subcommand (codex-rs cli, 0.169.0). */
  resume: { args: (conversationId) => ['resume', conversationId] },
  witnesses: { hooks: codexHooks, transcript: codexTranscript, hookApproval: CODEX_HOOK_APPROVAL },
  recording: async () => (await import('./codexRecording.js')).recording,
  versions: {
    verified: ['0.169.0'],
    packages: ['@openai/codex'],
    fromScreen: (screen) => versionOnScreen(screen, VERSION_ON_SCREEN),
  },
};
