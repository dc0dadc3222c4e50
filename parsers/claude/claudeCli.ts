/** Claude Code (Anthropic, verified against 2.1.197 and 2.1.332): the descriptor the registry lists. */
import { ENTER, type CliDescriptor } from '../cliDescriptor.js';
import { claudeParser, readClaudeInput } from './claudeParser.js';
import { CLAUDE_HOOK_APPROVAL, claudeHooks, claudeTranscript } from './claudeVoice.js';

/** Claude Code. The npm package ships the native binary as `claude.exe`. */
export const claudeCli: CliDescriptor = {
  id: 'claude',
  displayName: 'Claude Code',
  commands: ['claude', 'claude.exe'],
  parser: claudeParser,
  answers: {
    submitKey: ENTER,
    readInput: readClaudeInput,
    // Claude Code 2.1.332 refuses a dialog's answer read within 150 ms of the dialog's paint (its
    // dialog store's answer window), silently: the dialog stays. 250 ms of quiet clears it.
    answerSettleMs: 250,
  },
  /** `claude --resume <session id>` (Claude Code CLI reference, 2.1.197). */
  resume: { args: (conversationId) => ['--resume', conversationId] },
  witnesses: { hooks: claudeHooks, transcript: claudeTranscript, hookApproval: CLAUDE_HOOK_APPROVAL },
  recording: async () => (await import('./claudeRecording.js')).recording,
};
