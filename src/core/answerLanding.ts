/**
 * Answer keys that land (issue 13): the keys that pick an option on a dialog are written only
 * once the dialog has been drawn and has held still, and afterwards the screen must show that
 * the dialog took them; a dialog that did not is sent its (re-read) keys once more, and when it
 * still shows unchanged the prompt is reported again rather than claimed answered.
 *
 * Why (measured on this machine, Claude Code 2.1.332 through the mock model): its dialogs refuse
 * an answer read too soon after they are drawn. Its dialog store (`wouldTakeAnswer`, a 150 ms
 * window from the dialog's paint, and a re-mount of the select after a refused key) drops such a
 * key without drawing anything; a `1` written 1 ms after the dialog's first bytes left the
 * approval on screen and the turn never went on, while the same key 46 ms and more after it
 * landed. Under load the paint is noted late, so even a later key can fall inside the window.
 */
import { promptContentKey } from './waitDetector.js';
import type { PromptInfo } from '../common/index.js';
import type { KeyStep } from './answerMapper.js';
import type { DetectionPipeline } from './detectionPipeline.js';
import { pipelineScreenWatch, waitOnScreen, type ScreenWatch } from './screenWatch.js';

/** Quiet time a dialog gets before answer keys when the CLI's descriptor names none (ms). */
export const DEFAULT_ANSWER_SETTLE_MS = 100;
/** Longest wait for that quiet (a screen that keeps moving, a spinner elsewhere), from the answer (ms). */
export const MAX_SETTLE_WAIT_MS = 1000;
/**
 * How long the screen may stay exactly as it was after answer keys before they count as not
 * taken (ms). Long, since a second key after a taken one goes to whatever comes next: under
 * load (2 cores, load 19) Claude Code took 1.7 s to draw anything after a key.
 */
export const LAND_CHECK_MS = 3000;


/** What landing keys needs from a live session. */
export interface LandingPort extends ScreenWatch {
  /** Time since output last reached the screen (ms). */
  quietMs(): number;
  /** The prompt the CLI's parser reads on the screen now, undefined when none. */
  prompt(): PromptInfo | undefined;
}

/** A key answer to land: the prompt as read when its keys were mapped, and how to map them again. */
export interface KeyAnswer {
  readonly prompt: PromptInfo;
  /** The keys for the same answer on `prompt` as the screen shows it now (may throw: then nothing is resent). */
  readonly remap: (prompt: PromptInfo) => readonly KeyStep[];
  /** Quiet the dialog needs before keys (ms): the descriptor's `answers.answerSettleMs`, else DEFAULT_ANSWER_SETTLE_MS. */
  readonly settleMs: number;
}

/** How an answer's keys went: seen taken, taken after being sent again, or refused twice (the screen never moved). */
export type LandingOutcome = 'landed' | 'resent' | 'refused';

/** Waits until the screen has held still for `settleMs`, at most MAX_SETTLE_WAIT_MS. */
export async function settleBeforeKeys(port: LandingPort, settleMs: number, now: () => number = Date.now): Promise<void> {
  await waitOnScreen(port, () => port.quietMs() >= settleMs, MAX_SETTLE_WAIT_MS, now);
}

/**
 * Sends an answer's keys through `run` (which writes them with their pauses) once the dialog has
 * settled, and returns a watch: it resolves with how the keys went. When the screen stays exactly
 * as it was for LAND_CHECK_MS and the parser still reads the same prompt (its content unchanged),
 * the keys are mapped again from the screen and sent once more; a second silence is `refused`.
 */
export async function sendKeys(
  port: LandingPort,
  steps: readonly KeyStep[],
  answer: KeyAnswer,
  run: (steps: readonly KeyStep[]) => Promise<void>,
  now: () => number = Date.now,
): Promise<() => Promise<LandingOutcome>> {
  const send = async (keys: readonly KeyStep[]): Promise<string> => {
    await settleBeforeKeys(port, answer.settleMs, now);
    const before = port.screenText();
    await run(keys);
    return before;
  };
  const taken = (before: string) => waitOnScreen(port, () => port.screenText() !== before, LAND_CHECK_MS, now);
  const stillUp = (): PromptInfo | undefined => {
    const current = port.prompt();
    return current !== undefined && promptContentKey(current) === promptContentKey(answer.prompt) ? current : undefined;
  };
  const first = await send(steps);
  return async () => {
    if ((await taken(first)) || port.closed()) return 'landed';
    const current = stillUp();
    if (current === undefined) return 'landed';
    let again: readonly KeyStep[];
    try {
      again = answer.remap(current);
    } catch {
      return 'refused';
    }
    const second = await send(again);
    if ((await taken(second)) || port.closed()) return 'resent';
    return stillUp() === undefined ? 'resent' : 'refused';
  };
}

/** The landing port of a live session: its pipeline's screen and parser; `closed` says when it has exited. */
export function pipelineLandingPort(pipeline: DetectionPipeline, closed: () => boolean): LandingPort {
  return {
    ...pipelineScreenWatch(pipeline, closed),
    quietMs: () => pipeline.quietMs,
    prompt: () => {
      const verdict = closed() ? undefined : pipeline.readVerdict();
      return verdict?.state === 'waiting' ? verdict.prompt : undefined;
    },
  };
}
