/** Gemini CLI (Google, verified against 0.61.0): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { geminiParser } from './geminiParser.js';
import { VERSION, versionOnScreen } from '../shared/versionText.js';
import { geminiHooks, geminiTranscript } from './geminiVoice.js';

/** Where the version is drawn — the banner beside the logo: `Gemini CLI v0.61.0`. */
const VERSION_ON_SCREEN = new RegExp(`\\bGemini CLI v(${VERSION})`, 'u');

/**
 * Shortest pause (ms) before a submitting Enter. Gemini CLI treats a multi-character write as a
 * paste and turns an Enter that follows within a few hundred ms into a newline (measured on
 * 0.61.0: 150, 250 and 400 ms failed, 1000 ms always submitted).
 */
export const GEMINI_SUBMIT_DELAY_MS = 1000;

/** Gemini CLI. */
export const geminiCli: CliDescriptor = {
  id: 'gemini',
  displayName: 'Gemini CLI',
  commands: ['gemini'],
  parser: geminiParser,
  answers: { submitKey: ENTER, minSubmitDelayMs: GEMINI_SUBMIT_DELAY_MS },
  /** `gemini --resume <session id>` (docs/cli/session-management.md: resume by id). */
  resume: { args: (conversationId) => ['--resume', conversationId] },
  witnesses: { hooks: geminiHooks, transcript: geminiTranscript },
  recording: async () => (await import('./geminiRecording.js')).recording,
  versions: {
    verified: ['0.61.0'],
    packages: ['@google/gemini-cli'],
    fromScreen: (screen) => versionOnScreen(screen, VERSION_ON_SCREEN),
  },
};
