/**
 * Typing text into an agent CLI and submitting it so that the Enter is not lost (issue 13): the
 * text is written, the Enter waits until the text shows in the CLI's input (its descriptor's
 * `readInput`, else the screen gaining the text's tail), and once it is sent the submission is
 * checked (the agent went busy, or the input no longer holds the text) and Enter is pressed once
 * more when the text still sits there. Measured on this machine (docs/cli-screens-newest.md):
 * Claude Code 2.1.197 and 2.1.332 lose an Enter sent with the first idle box (their early-input
 * capture turns it into a newline); Enter sent once the text is echoed was submitted every time,
 * because text captured before the prompt input takes over is not echoed.
 */

import { getCli } from '../../parsers/index.js';
import type { DetectionPipeline } from './detectionPipeline.js';

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
}

/** What typing needs from a live session. */
export interface TypingPort {
  write(data: string): void;
  /** The screen's rows joined with newlines, as rendered now. */
  screenText(): string;
  /**
   * The draft in the CLI's input area ('' when empty), undefined when none is on screen. Absent
   * when the CLI's descriptor has no reader: the screen's text is checked instead.
   */
  readonly readInput?: () => string | undefined;
  /** True when the CLI's parser reads the screen as busy now. */
  isBusy(): boolean;
  /** Resolves when the screen next changes, or after `ms` (whichever comes first). */
  nextChange(ms: number): Promise<void>;
  /** True once the session has exited (nothing more is written). */
  closed(): boolean;
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

/** Longest wait for the typed text to show before Enter is sent anyway (ms); start-up echoes took 0.2–1.1 s. */
export const ECHO_TIMEOUT_MS = 4000;
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

/** Polls `check` on every screen change until it holds or `ms` pass; true when it held. */
async function until(port: TypingPort, check: () => boolean, ms: number, now: () => number): Promise<boolean> {
  const deadline = now() + ms;
  for (;;) {
    if (port.closed()) return false;
    if (check()) return true;
    const left = deadline - now();
    if (left <= 0) return false;
    await port.nextChange(left);
  }
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
  const holds = step.pasted ? input !== '' : tail !== '' && compact(input).includes(tail);
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
  await until(port, () => ((state = afterSubmit(port, sent.step, sent.tail, sent.atSubmit)), state === 'busy' || state === 'input'), ms, now);
  return state === 'busy' || state === 'input' ? state : undefined;
}

/**
 * Types `step.body`, waits (at most ECHO_TIMEOUT_MS) until the text shows, keeps at least
 * `step.submitDelayMs` after the text, sends the submit key, and watches SUBMIT_CHECK_MS for the
 * outcome. Only when the CLI's input shows the key became a newline (the text still there, one
 * line longer) is the submit key sent once more: a slow redraw is never taken for a lost key,
 * since a second Enter after a taken one could answer the dialog the turn opened. Never throws;
 * stops when the session closes.
 */
export async function typeAndConfirm(port: TypingPort, step: TypedText, now: () => number = Date.now): Promise<TypingOutcome & { readonly sent?: SentText }> {
  const tail = compact(step.text).slice(-TAIL_CHARS);
  const inputBefore = port.readInput?.();
  const shownBefore = occurrences(compact(port.screenText()), tail);
  const started = now();
  port.write(step.body);

  const echoed = await until(
    port,
    () => {
      if (tail === '') return true;
      const input = port.readInput?.();
      if (input === undefined) return occurrences(compact(port.screenText()), tail) > shownBefore;
      return step.pasted ? input !== '' && input !== inputBefore : compact(input).includes(tail);
    },
    ECHO_TIMEOUT_MS,
    now,
  );
  await until(port, () => now() - started >= step.submitDelayMs, step.submitDelayMs, now);
  if (port.closed()) return { echoed, waitedMs: now() - started, submitted: false, retried: false };

  const waitedMs = now() - started;
  const sent: SentText = { step, tail, atSubmit: { input: port.readInput?.(), screen: port.screenText() } };
  port.write(step.submitKey);
  let state = 'waiting' as AfterSubmit;
  const decided = () => ((state = afterSubmit(port, step, tail, sent.atSubmit)), state !== 'waiting');
  await until(port, decided, SUBMIT_CHECK_MS, now);
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
    write,
    screenText: () => (closed() ? '' : pipeline.screen.snapshot().lines.map((line) => line.text).join('\n')),
    ...(reader ? { readInput: () => (closed() ? undefined : reader(pipeline.screen.snapshot())) } : {}),
    isBusy: () => !closed() && pipeline.readVerdict().state === 'busy',
    nextChange: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        const listener = pipeline.screen.onWriteParsed(done);
        function done(): void {
          clearTimeout(timer);
          listener.dispose();
          resolve();
        }
      }),
    closed,
  };
}
