/**
 * What watching a live session's screen needs (typing text, landing an answer's keys): its text,
 * a wait for its next change, and whether the session has exited.
 */
import type { DetectionPipeline } from './detectionPipeline.js';

/** A live session's screen, as the code that writes to it watches it. */
export interface ScreenWatch {
  /** The screen's rows joined with newlines, as rendered now ('' once closed). */
  screenText(): string;
  /** Resolves when the screen next changes, or after `ms` (whichever comes first). */
  nextChange(ms: number): Promise<void>;
  /** True once the session has exited (nothing more is written). */
  closed(): boolean;
}

/** Longest sleep between two checks while nothing on screen changes (ms), for checks that look at time. */
const POLL_MS = 50;

/**
 * Polls `check` on every screen change (and at least every 50 ms) until it holds or `ms` pass.
 * @returns true when `check` held; false on timeout or once the session closed
 * @throws whatever `check` throws
 */
export async function waitOnScreen(watch: Pick<ScreenWatch, 'nextChange' | 'closed'>, check: () => boolean, ms: number, now: () => number): Promise<boolean> {
  const deadline = now() + ms;
  for (;;) {
    if (watch.closed()) return false;
    if (check()) return true;
    const left = deadline - now();
    if (left <= 0) return false;
    await watch.nextChange(Math.min(left, POLL_MS));
  }
}

/** The screen watch of a pipeline; `closed` says when its session has exited. @throws never */
export function pipelineScreenWatch(pipeline: DetectionPipeline, closed: () => boolean): ScreenWatch {
  return {
    screenText: () => (closed() ? '' : pipeline.screen.snapshot().lines.map((line) => line.text).join('\n')),
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
