/** Qwen Code (a Gemini CLI fork, verified against 0.15.10): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { GEMINI_SUBMIT_DELAY_MS } from '../gemini/geminiCli.js';
import { qwenParser } from './qwenParser.js';
import { QWEN_HOOK_APPROVAL, qwenHooks, qwenTranscript } from './qwenVoice.js';
import { VERSION, versionOnScreen } from '../shared/versionText.js';

/** Where the version is drawn — the banner box: `>_ Qwen Code (v0.24.4)`. */
const VERSION_ON_SCREEN = new RegExp(`Qwen Code \\(v(${VERSION})\\)`, 'u');

/** Qwen Code. It keeps Gemini CLI's paste detection, so it needs the same pause before Enter. */
export const qwenCli: CliDescriptor = {
  id: 'qwen',
  displayName: 'Qwen Code',
  commands: ['qwen'],
  parser: qwenParser,
  answers: { submitKey: ENTER, minSubmitDelayMs: GEMINI_SUBMIT_DELAY_MS },
  /** `qwen --resume <session id>` (0.15.10: "Resume a specific session by its ID"). */
  resume: { args: (conversationId) => ['--resume', conversationId] },
  witnesses: { hooks: qwenHooks, transcript: qwenTranscript, hookApproval: QWEN_HOOK_APPROVAL },
  recording: async () => (await import('./qwenRecording.js')).recording,
  versions: {
    verified: ['0.15.10'],
    packages: ['@qwen-code/qwen-code'],
    fromScreen: (screen) => versionOnScreen(screen, VERSION_ON_SCREEN),
  },
};
