/**
 * Typing text into an agent CLI and submitting it so that the Enter is not lost (issue 13), for
 * every CLI through its descriptor (`answers.submitKey`, `answers.readInput`): the screen must
 * still show the prompt the text is meant for, the text is written, the submit key waits until the
 * text shows in the CLI's input (its descriptor's `readInput`, else the screen gaining the text's
 * tail), and once it is sent the submission is checked (the agent went busy, or the input no
 * longer holds the text); the key is pressed once more only when the input shows it became a
 * newline. Nothing is typed or submitted blindly: a prompt that changed under the text, or text
 * that never shows, stops with a coded error. Measured on this machine
 * (docs/cli-screens-newest.md): Claude Code 2.1.197 and 2.1.332 lose an Enter sent with the first
 * idle box (their early-input capture turns it into a newline); Enter sent once the text is echoed
 * was submitted every time, because text captured before the prompt input takes over is not echoed.
 * Codex 0.171.0 likewise submitted only with the Enter held until the echo.
 */

import { getCli } from '../../parsers/index.js';
import { TetherError } from '../common/index.js';
import type { WaitType } from '../common/index.js';
import type { DetectionPipeline } from './detectionPipeline.js';
import { pipelineScreenWatch, waitOnScreen, type ScreenWatch } from './screenWatch.js';

/** Text to type and submit, as one answer step. */
export interface TypedText {
  /** The bytes that type it (a bracketed paste for multi-line text when the CLI enabled it). */
  readonly body: string;
  /** The text itself, as the input should show it. */
  readonly text: string;
  /** The bytes that submit it (the descriptor's, `\r` for every CLI so far). */
  readonly submitKey: string;
  /** Shortest pause between writing the text and the submit key (ms). */
  readonly submitDelayMs: number;
  /** True when `body` is a bracketed paste: the CLI may show a placeholder instead of the text. */
  readonly pasted: boolean;
  /**
   * The wait type the screen must show when the text is typed (the prompt the text answers, as
   * read when the answer was mapped). Absent: typed into whatever has focus (input sent while
   * nothing waits, or text after an option pick that itself changed the screen).
   */
  readonly expectWaitType?: WaitType;
  /**
   * True for a secret (an API key box, PromptInfo.sensitive): the CLI may mask it, so any change
   * of its input (or the screen) counts as the echo. The text itself never goes into an error.
   */
  readonly secret?: boolean;
}

/** What typing needs from a live session. */
export interface TypingPort extends ScreenWatch {
  write(data: string): void;
  /**
   * The draft in the CLI's input area ('' when empty), undefined when none is on screen. Absent
   * when the CLI's descriptor has no reader: the screen's text is checked instead.
   */
  readonly readInput?: () => string | undefined;
  /** True when the CLI's parser reads the screen as busy now. */
  isBusy(): boolean;
  /** The wait type the CLI's parser reads on the screen now; undefined when it waits for nothing (busy, unknown). */
  waitType(): WaitType | undefined;
}

/** How typing went. */
export interface TypingOutcome {
  /** The text showed before the submit key was sent. */
  readonly echoed: boolean;
  /** Time from writing the text to sending the submit key (ms). */
  readonly waitedMs: number;
  /** The submission was seen: busy, the input let go of the text, or (without a readable input) the screen moved. */
  readonly submitted: boolean;
  /**
   * What proved the submission, when something did beyond the screen merely moving: the agent
   * went busy, or its input let go of the text (or gave way to another screen).
   */
  readonly confirmedBy?: 'busy' | 'input';
  /** The submit key was sent a second time (`submitted` then says whether the text went after it). */
  readonly retried: boolean;
}

/**
 * Longest wait for the typed text to show (ms); past it the text is not submitted
 * (INPUT_NOT_ECHOED). Start-up echoes took 0.2–1.1 s (docs/cli-screens-newest.md), but Claude
 * Code 2.1.197 once took over 4 s at load average 22 on 2 cores, and OpenCode 1.18.33's first
 * echo 8.1–8.4 s with 0.2 of a core and 10.3 s at load 10–17 (parsers/opencode/testdata/NOTES.md).
 */
export const ECHO_TIMEOUT_MS = 20_000;
/**
 * How long after Enter the submission may take to show before Enter is pressed again (ms). Under
 * load (2 cores, load 19) Claude Code drew a whole fast turn 1.7 s after the Enter; a second
 * Enter into an input that has already let go of the text does nothing.
 */
export const SUBMIT_CHECK_MS = 2000;
/** How long a submission the screen has not shown yet is watched in the background (ms). */
export const CONFIRM_WATCH_MS = 15_000;
/** Characters of the text's end that must show (whitespace and box borders ignored). */
export const TAIL_CHARS = 24;
/** How long a changed input (or screen) must hold still to count as the echo of text whose tail is not shown (ms). */
export const ECHO_SETTLE_MS = 300;
/** Text longer than this (characters) may show as a placeholder or scrolled: a settled change of the screen is its echo. */
export const LONG_TEXT_CHARS = 400;
/** Longest wait for the screen to show the expected prompt before typing (a redraw in flight; ms). */
export const PROMPT_SETTLE_MS = 1000;

/** Text without whitespace and box side borders: a wrapped or framed line compares equal. */
function compact(text: string): string {
  return text.replace(/[\s│┃║]/gu, '');
}

function occurrences(haystack: string, needle: string): number {
  if (needle === '') return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count += 1;
  return count;
}


/**
 * Watches one reading (the input's draft, or the screen) for a change that then holds still for
 * ECHO_SETTLE_MS: the CLI took the keys and drew what it shows for them (a placeholder such as
 * `[Pasted text #1 +40 lines]`, or a long text scrolled out of its box) even when the text's
 * tail is not on screen.
 */
function settledChange(before: string | undefined, now: () => number): (reading: string | undefined) => boolean {
  let last = before;
  let since = now();
  return (reading) => {
    if (reading !== last) {
      last = reading;
      since = now();
      return false;
    }
    return reading !== before && reading !== undefined && reading !== '' && now() - since >= ECHO_SETTLE_MS;
  };
}

/** The coded error for a screen that no longer shows the prompt the text was meant for (never names the text). */
function promptChanged(expected: WaitType, port: TypingPort, what: string): TetherError {
  const now = port.waitType() ?? (port.isBusy() ? 'busy' : 'no prompt');
  return new TetherError('PROMPT_CHANGED', `the screen shows ${now} instead of the ${expected} prompt the text was meant for; ${what}`);
}

/** What the screen says of typed text after its submit key. */
type AfterSubmit =
  /** The agent went busy. */
  | 'busy'
  /** The input let go of the text, or the input it went into gave way to another screen. */
  | 'input'
  /** Without a readable input: something on screen changed (no proof either way). */
  | 'moved'
  /** The input still holds the text and gained a line: the submit key became a newline. */
  | 'newline'
  /** Nothing yet: the input holds the text as it did (a slow redraw, or a key not read yet). */
  | 'waiting';

/** Reads the state of typed text after its submit key, against the input and screen at that moment. */
function afterSubmit(port: TypingPort, step: TypedText, tail: string, atSubmit: { input: string | undefined; screen: string }): AfterSubmit {
  if (port.isBusy()) return 'busy';
  const input = port.readInput?.();
  if (input === undefined) {
    if (atSubmit.input !== undefined) return 'input';
    return port.screenText() === atSubmit.screen ? 'waiting' : 'moved';
  }
  // Still there: its tail, or what the input showed for it at the submit (a placeholder), or any draft of a paste.
  const shownAtSubmit = atSubmit.input?.trimEnd() ?? '';
  const holds = input !== '' && (step.pasted || (tail !== '' && compact(input).includes(tail)) || (shownAtSubmit !== '' && input.startsWith(shownAtSubmit)));
  if (!holds) return 'input';
  const lines = (text: string | undefined) => (text ?? '').split('\n').length;
  return input !== atSubmit.input && lines(input) > lines(atSubmit.input) ? 'newline' : 'waiting';
}

/** Text written and its submit key sent: what to watch afterwards. */
export interface SentText {
  readonly step: TypedText;
  readonly tail: string;
  readonly atSubmit: { readonly input: string | undefined; readonly screen: string };
}

/**
 * Watches sent text for up to `ms` until the submission is proven (busy, or the input let go of
 * it); resolves with what proved it, or undefined. For a redraw slower than typeAndConfirm's check.
 */
export async function confirmSubmission(port: TypingPort, sent: SentText, ms: number, now: () => number = Date.now): Promise<'busy' | 'input' | undefined> {
  let state = 'waiting' as AfterSubmit;
  await waitOnScreen(port, () => ((state = afterSubmit(port, sent.step, sent.tail, sent.atSubmit)), state === 'busy' || state === 'input'), ms, now);
  return state === 'busy' || state === 'input' ? state : undefined;
}

/**
 * Types `step.body` and submits it. First, when `step.expectWaitType` is set, the screen must show
 * a prompt of that wait type (it may take PROMPT_SETTLE_MS to settle); then the text is written
 * and the submit key waits (at most ECHO_TIMEOUT_MS) until the text shows, keeps at least
 * `step.submitDelayMs` after the text, is sent, and the outcome is watched for SUBMIT_CHECK_MS.
 * Only when the CLI's input shows the key became a newline (the text still there, one line
 * longer) is the submit key sent once more: a slow redraw is never taken for a lost key, since a
 * second Enter after a taken one could answer the dialog the turn opened. Stops quietly when the
 * session closes.
 * @throws TetherError PROMPT_CHANGED when the screen shows another prompt, or none, instead of the
 *   expected one: before typing (nothing is written), or while the text is being echoed (the text
 *   went elsewhere; the submit key is not sent)
 * @throws TetherError INPUT_NOT_ECHOED when the text did not show within ECHO_TIMEOUT_MS (the submit
 *   key is not sent; the text may still sit in the CLI's input)
 */
export async function typeAndConfirm(port: TypingPort, step: TypedText, now: () => number = Date.now): Promise<TypingOutcome & { readonly sent?: SentText }> {
  const expected = step.expectWaitType;
  if (expected !== undefined) {
    const shown = await waitOnScreen(port, () => port.waitType() === expected, PROMPT_SETTLE_MS, now);
    if (!shown && !port.closed()) throw promptChanged(expected, port, 'nothing was typed');
  }
  const tail = compact(step.text).slice(-TAIL_CHARS);
  const inputBefore = port.readInput?.();
  const screenBefore = port.screenText();
  const shownBefore = occurrences(compact(screenBefore), tail);
  const started = now();
  if (port.closed()) return { echoed: false, waitedMs: 0, submitted: false, retried: false };
  port.write(step.body);

  let movedAway = false;
  // Without the tail on screen: the input reader's draft changed and settled; without a reader,
  // only for a paste or a long text (whose tail may be out of view), the screen changed and settled.
  const inputSettled = settledChange(inputBefore, now);
  const screenSettled = settledChange(screenBefore, now);
  const mayHideTail = step.pasted || step.text.length > LONG_TEXT_CHARS;
  const echoed = await waitOnScreen(
    port,
    () => {
      if (tail === '') return true;
      const input = port.readInput?.();
      if (step.secret) return input !== undefined ? input !== inputBefore : port.screenText() !== screenBefore;
      if (input !== undefined ? compact(input).includes(tail) : occurrences(compact(port.screenText()), tail) > shownBefore) return true;
      if (input !== undefined ? inputSettled(input) : port.readInput === undefined && mayHideTail && screenSettled(port.screenText())) return true;
      // The prompt gave way to another one while the text was on its way: it went elsewhere.
      const waitType = port.waitType();
      movedAway = expected !== undefined && waitType !== undefined && waitType !== expected;
      return movedAway;
    },
    ECHO_TIMEOUT_MS,
    now,
  );
  if (port.closed()) return { echoed, waitedMs: now() - started, submitted: false, retried: false };
  if (movedAway) throw promptChanged(expected!, port, 'the text was typed, the submit key was not sent');
  if (!echoed) throw new TetherError('INPUT_NOT_ECHOED', `the typed text did not show in the ${ECHO_TIMEOUT_MS} ms after it was written; the submit key was not sent`);
  await waitOnScreen(port, () => now() - started >= step.submitDelayMs, step.submitDelayMs, now);
  if (port.closed()) return { echoed, waitedMs: now() - started, submitted: false, retried: false };

  const waitedMs = now() - started;
  const sent: SentText = { step, tail, atSubmit: { input: port.readInput?.(), screen: port.screenText() } };
  port.write(step.submitKey);
  let state = 'waiting' as AfterSubmit;
  const decided = () => ((state = afterSubmit(port, step, tail, sent.atSubmit)), state !== 'waiting');
  await waitOnScreen(port, decided, SUBMIT_CHECK_MS, now);
  let retried = false;
  if (state === 'newline' && !port.closed()) {
    retried = true;
    const again: SentText = { step, tail, atSubmit: { input: port.readInput?.(), screen: port.screenText() } };
    port.write(step.submitKey);
    const proof = await confirmSubmission(port, again, SUBMIT_CHECK_MS, now);
    return { echoed, waitedMs, submitted: proof !== undefined, retried, ...(proof ? { confirmedBy: proof } : {}), sent: again };
  }
  const proof = state === 'busy' || state === 'input' ? state : undefined;
  return { echoed, waitedMs, submitted: state !== 'waiting', retried, ...(proof ? { confirmedBy: proof } : {}), sent };
}

/**
 * Types and submits `text` (typeAndConfirm); once the submission is proven, `onSubmitted` runs
 * (the detector hears that a turn began). When the screen is slow to show it, the submission is
 * watched for CONFIRM_WATCH_MS more in the background, so the caller's next steps need not wait.
 */
export async function typeAndWatch(port: TypingPort, text: TypedText, onSubmitted: () => void): Promise<void> {
  const outcome = await typeAndConfirm(port, text);
  if (outcome.confirmedBy !== undefined) onSubmitted();
  else if (outcome.sent && port.readInput) {
    void confirmSubmission(port, outcome.sent, CONFIRM_WATCH_MS).then(
      (proof) => proof && onSubmitted(),
      () => undefined, // the session went away meanwhile
    );
  }
}

/**
 * The typing port of a live session: `write` to its PTY, its pipeline's screen and parser, and
 * the input reader of its CLI's descriptor. `closed` says when the session has exited.
 */
export function pipelineTypingPort(pipeline: DetectionPipeline, write: (data: string) => void, closed: () => boolean): TypingPort {
  const reader = getCli(pipeline.cliType).answers.readInput;
  return {
    ...pipelineScreenWatch(pipeline, closed),
    write,
    ...(reader ? { readInput: () => (closed() ? undefined : reader(pipeline.screen.snapshot())) } : {}),
    isBusy: () => !closed() && pipeline.readVerdict().state === 'busy',
    waitType: () => {
      const verdict = closed() ? undefined : pipeline.readVerdict();
      return verdict?.state === 'waiting' ? verdict.prompt.waitType : undefined;
    },
  };
}
