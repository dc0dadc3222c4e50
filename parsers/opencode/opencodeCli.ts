/** OpenCode (sst, verified against 1.18.33): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { opencodeParser } from './opencodeParser.js';
import { OPENCODE_HOOK_APPROVAL, opencodeHooks, opencodeStream } from './opencodeVoice.js';
import { VERSION, versionOnScreen } from '../shared/versionText.js';

/** Where the version is drawn — the home view's footer: the project path on the left, the version alone at the right edge. */
const VERSION_ON_SCREEN = new RegExp(`^\\s*/\\S*.*\\s{4,}(${VERSION})\\s*$`, 'u');

/** OpenCode. */
export const opencodeCli: CliDescriptor = {
  id: 'opencode',
  displayName: 'OpenCode',
  commands: ['opencode'],
  parser: opencodeParser,
  answers: { submitKey: ENTER },
  /** `opencode --session <session id>` (1.18.33: "session id to continue"). */
  resume: { args: (conversationId) => ['--session', conversationId] },
  witnesses: { hooks: opencodeHooks, stream: opencodeStream, hookApproval: OPENCODE_HOOK_APPROVAL },
  recording: async () => (await import('./opencodeRecording.js')).recording,
  versions: {
    verified: ['1.18.33'],
    packages: ['opencode-ai'],
    fromScreen: (screen) => versionOnScreen(screen, VERSION_ON_SCREEN),
  },
};
