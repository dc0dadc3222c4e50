/**
 * The one expectation writer: derives a fixture's `.expect.json` from its recorded cast and
 * its steps (parsers/<cli>/<cli>Recording.ts). Each expected prompt is timed the way the CLI's
 * `driving.expectAt` says: `drawn`, the last screen change before its answer (or before a
 * resize while it was up); `shown`, the first output whose screen matches the step. A clear is
 * the `i` event of the answer's first key.
 */
import { releaseOf, type AnswerByLabel, type CliRecording, type RecordingFixture, type RecordingStep } from '../../parsers/cliRecording.js';
import type { Cast } from '../../src/core/asciicast.js';
import { findInput, lastChangeBefore, screensOf, toMillis, type ScreenAt } from './castTiming.js';

/** Matching tolerance written into every expect file (ms). */
export const TOLERANCE_MS = 500;

/** A fixture's `.expect.json`. */
export interface ExpectFile {
  readonly cli: string;
  readonly cli_version: string;
  readonly cols: number;
  readonly rows: number;
  readonly tolerance_ms: number;
  readonly description: string;
  readonly events: readonly object[];
}

/**
 * The keys an answer types on `screen` (NBSP as space).
 * @throws Error when the option row an answer names is not on screen
 */
export function answerKeys(answer: NonNullable<RecordingStep['answer']>, screen: string): string[] {
  if (!isByLabel(answer)) return [...answer];
  const label = answer.digitOf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(\\d)\\. ${label}`).exec(screen);
  if (!match) throw new Error(`no option "${answer.digitOf}" on screen:\n${screen}`);
  return [match[1], ...(answer.then ?? [])];
}

function isByLabel(answer: NonNullable<RecordingStep['answer']>): answer is AnswerByLabel {
  return !Array.isArray(answer);
}

/** The keys a step's answer typed, read back from the cast (for steps answered by label). */
function keysFromCast(step: RecordingStep, screens: readonly ScreenAt[], from: number): string[] {
  const answer = step.answer!;
  if (!isByLabel(answer)) return [...answer];
  let shown = screens.findIndex((screen, index) => index >= from && step.screen.test(screen.text));
  if (shown < 0) throw new Error(`prompt ${step.screen} not found in cast`);
  while (shown + 1 < screens.length && screens[shown + 1].code !== 'i' && step.screen.test(screens[shown + 1].text)) shown += 1;
  return answerKeys(answer, screens[shown].text);
}

/** The time of the last window-title change before `end`, if any (TUIs that paint before they take keys). */
function lastTitleBefore(screens: readonly ScreenAt[], end: number): number | undefined {
  const titled = screens.findLastIndex((screen, index) => index < end && screen.code === 'o' && /\u001b\][02];/.test(screen.data));
  return titled >= 0 ? screens[titled].at : undefined;
}

/**
 * Derives the expect file of `fixture` from its `cast`. `typed` holds the keys typed for each
 * answered step, in order, when the recorder has them; otherwise they are read back from the cast.
 * @throws Error when a step's screen or answer is not found in the cast
 */
export async function deriveExpectations(cli: string, recording: CliRecording, fixture: RecordingFixture, cast: Cast, typed?: readonly string[][]): Promise<ExpectFile> {
  const screens = await screensOf(cast);
  const events: object[] = [];
  let from = 0;
  let answerIndex = 0;
  for (const step of fixture.steps) {
    const shownMode = (step.expectAt ?? recording.driving.expectAt) === 'shown';
    let shown = -1;
    if (shownMode) {
      const pattern = step.shown ?? step.screen;
      shown = screens.findIndex((screen, index) => index >= from && screen.code === 'o' && pattern.test(screen.text));
      if (shown < 0) throw new Error(`${fixture.name}: prompt ${pattern} not found in cast`);
    }
    let end = screens.length;
    let next = shownMode ? shown : from;
    if (step.answer) {
      const keys = typed?.[answerIndex] ?? keysFromCast(step, screens, from);
      answerIndex += 1;
      end = findInput(screens, keys[0], shownMode ? shown : from);
      next = end;
      for (const key of keys.slice(1)) next = findInput(screens, key, next + 1);
      if (end < 0 || next < 0) throw new Error(`${fixture.name}: answer ${JSON.stringify(keys)} not found in cast`);
    } else if (!shownMode) {
      const first = screens.findIndex((screen, index) => index >= from && step.screen.test(screen.text));
      end = screens.findIndex((screen, index) => index > first && !step.screen.test(screen.text));
      if (end < 0) end = screens.length;
    }
    if (step.expect) {
      let at: number;
      if (shownMode) {
        at = screens[shown].at;
      } else {
        // A resize redraws the prompt; it was fully drawn before the first resize.
        const resize = screens.findIndex((screen, index) => index >= from && index < end && screen.code === 'r');
        at = lastChangeBefore(screens, resize >= 0 ? resize : end);
        const titled = from === 0 && recording.driving.firstAfterTitle ? lastTitleBefore(screens, end) : undefined;
        if (titled !== undefined) at = Math.max(at, titled);
      }
      events.push({ type: 'waiting_for_input', ...step.expect, at: toMillis(at) });
      if (step.answer) events.push({ type: 'waiting_cleared', at: toMillis(screens[end].at) });
    }
    from = Math.max(shownMode ? shown : end, next) + 1;
  }
  return {
    cli,
    cli_version: releaseOf(recording, fixture.release).version,
    cols: fixture.cols,
    rows: fixture.rows,
    tolerance_ms: TOLERANCE_MS,
    description: fixture.description,
    events,
  };
}

/** The expect file as written to disk (two-space JSON and a final newline). */
export function formatExpectations(expect: ExpectFile): string {
  return `${JSON.stringify(expect, null, 2)}\n`;
}
