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
