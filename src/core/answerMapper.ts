/**
 * AnswerMapper: turns an answer (approve / always / deny, an option, free text) into the key
 * steps for the prompt on screen now. Keys come from the options as parsed at answer time,
 * never from a fixed table. Pure: the caller writes the steps with real pauses, and types text
 * with typedSubmit.ts (the Enter waits until the text shows, and is checked).
 */
import { TetherError } from '../common/index.js';
import type { PromptInfo, PromptOption, WaitType } from '../common/index.js';
import type { ApprovalResponse } from './sessionService.js';
import type { TypedText } from './typedSubmit.js';

/** One step of an answer: bytes to write, a pause (ms), or text to type and submit (typedSubmit.ts). */
export type KeyStep = { readonly write: string } | { readonly pauseMs: number } | { readonly type: TypedText };

/** Pause after a lone ESC so it is not read as a Meta prefix of the next byte (ms). */
export const ESCAPE_PAUSE_MS = 80;
/** Pause between selecting a text option and typing into it (ms). */
export const FOCUS_PAUSE_MS = 120;
/** Pause between the keys of one option's key sequence (arrows, then Enter), as a person types them (ms). */
export const KEY_GAP_MS = 50;

/** A CLI that needs a long pause before Enter also needs one between the option key and the text. */
function focusPause(submitDelayMs: number): number {
  return Math.max(FOCUS_PAUSE_MS, submitDelayMs > DEFAULT_SUBMIT_PAUSE_MS ? submitDelayMs : 0);
}
/** The submit pause most CLIs need (ms); above it, the option key gets the same pause. */
const DEFAULT_SUBMIT_PAUSE_MS = 150;

const YES = /^yes\b/i;
const ALWAYS = /don.t ask again|\balways\b|allow all|during this session|for this session|auto-accept|for all future/i;
const NO = /^no\b/i;

/** Where typed text goes: the prompt it answers (checked on screen before typing) and whether it is a secret. */
export interface TypingTarget {
  /** The wait type the screen must show when the text is typed (TypedText.expectWaitType). */
  readonly expectWaitType?: WaitType;
  /** The text is a secret (an API key box): its echo may be masked. */
  readonly secret?: boolean;
}

/**
 * The step that types `text` and submits it with `submitKey` (the CLI descriptor's; `\r`, never
 * `\n`, for every CLI so far) once the text shows, no sooner than `submitDelayMs` after it.
 * Multi-line text goes as one bracketed paste when the CLI enabled it, else with spaces for newlines.
 */
export function typeAndSubmit(text: string, submitDelayMs: number, bracketedPaste: boolean, submitKey = '\r', target: TypingTarget = {}): KeyStep[] {
  const pasted = text.includes('\n') && bracketedPaste;
  const body = pasted ? `\x1b[200~${text}\x1b[201~` : text.replace(/\r?\n/g, ' ');
  return [{ type: { body, text: pasted ? text : body, submitKey, submitDelayMs, pasted, ...target } }];
}

/**
 * What typing into `prompt` itself must find on screen: its wait type (not for a prompt of the
 * fallback reader, whose screen the parser may not read again), and whether the text is a secret.
 */
export function targetOf(prompt: PromptInfo): TypingTarget {
  return { ...(prompt.confidence === undefined ? { expectWaitType: prompt.waitType } : {}), ...(prompt.sensitive ? { secret: true } : {}) };
}

/** Splits a key sequence into keys: escape sequences (CSI, SS3, a lone ESC) and single characters. */
export function splitKeys(keys: string): string[] {
  return keys.match(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1bO.|\x1b|[\s\S]/gu) ?? [];
}

/** One write per key with a short gap between them (longer after a lone ESC, so it is not read as Meta). */
function selectSteps(option: PromptOption): KeyStep[] {
  const steps: KeyStep[] = [];
  let previous: string | undefined;
  for (const key of splitKeys(option.keys)) {
    if (previous !== undefined) steps.push({ pauseMs: previous === '\x1b' ? ESCAPE_PAUSE_MS : KEY_GAP_MS });
    steps.push({ write: key });
    previous = key;
  }
  return steps;
}

/**
 * Maps an approval to key steps for `prompt`. Options the parser gave a `role` decide first;
 * otherwise `yes` picks the first Yes… option, `yes_always` the don't-ask-again/always option
 * (else `yes`), and `no` the No… option that takes no text, else the prompt's cancel keys.
 * @throws TetherError OPTION_NOT_FOUND when the prompt has no such choice
 */
export function mapApproval(prompt: PromptInfo, response: ApprovalResponse): KeyStep[] {
  const options = prompt.options;
  const byRole = (role: PromptOption['role']) => options.find((o) => o.role === role);
  const yes = byRole('approve') ?? options.find((o) => o.role === undefined && YES.test(o.label));
  if (response === 'yes' || response === 'yes_always') {
    const always =
      response === 'yes_always'
        ? (byRole('approve_always') ?? options.find((o) => o.role === undefined && YES.test(o.label) && ALWAYS.test(o.label)))
        : undefined;
    const pick = always ?? yes;
    if (!pick) throw new TetherError('OPTION_NOT_FOUND', `no approve option on screen for ${prompt.waitType}`);
    return selectSteps(pick);
  }
  const no = byRole('deny') ?? options.find((o) => o.role === undefined && NO.test(o.label) && !o.acceptsText);
  if (no) return selectSteps(no);
  if (prompt.cancelKeys) return [{ write: prompt.cancelKeys }, { pauseMs: ESCAPE_PAUSE_MS }];
  throw new TetherError('OPTION_NOT_FOUND', `no deny option or cancel key for ${prompt.waitType}`);
}

/**
 * Maps an option pick and/or free text to key steps for `prompt`.
 * With only text, the prompt must accept text (idle box) or offer a text option ("Type something.").
 * Text is submitted with `submitKey` (the CLI descriptor's) after `submitDelayMs`.
 * @throws TetherError OPTION_NOT_FOUND when the option is not on screen or text has nowhere to go
 */
export function mapAnswer(
  prompt: PromptInfo,
  answer: { optionId?: string; text?: string },
  submitDelayMs: number,
  bracketedPaste = false,
  submitKey = '\r',
): KeyStep[] {
  // Text after an option pick goes into whatever the pick opened: only its secrecy is known.
  const afterPick = (text: string) => typeAndSubmit(text, submitDelayMs, bracketedPaste, submitKey, prompt.sensitive ? { secret: true } : {});
  if (answer.optionId !== undefined) {
    const option = prompt.options.find((o) => o.id === answer.optionId);
    if (!option) throw new TetherError('OPTION_NOT_FOUND', `option ${answer.optionId} is not on screen`);
    if (answer.text === undefined || answer.text === '') return selectSteps(option);
    return [...selectSteps(option), { pauseMs: focusPause(submitDelayMs) }, ...afterPick(answer.text)];
  }
  if (answer.text === undefined) throw new TetherError('OPTION_NOT_FOUND', 'answer needs option_id or text');
  if (prompt.options.length === 0 && prompt.acceptsText) return typeAndSubmit(answer.text, submitDelayMs, bracketedPaste, submitKey, targetOf(prompt));
  const textOption = prompt.options.find((o) => o.acceptsText);
  if (!textOption) throw new TetherError('OPTION_NOT_FOUND', `${prompt.waitType} prompt takes no free text`);
  return [...selectSteps(textOption), { pauseMs: focusPause(submitDelayMs) }, ...afterPick(answer.text)];
}
