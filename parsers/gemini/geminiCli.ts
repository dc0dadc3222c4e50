/** Gemini CLI (Google, verified against 0.61.0): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { geminiParser } from './geminiParser.js';

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
  recording: async () => (await import('./geminiRecording.js')).recording,
};
