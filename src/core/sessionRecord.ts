/**
 * What bounds a session (history bytes, kill grace) and what an exited session keeps: its
 * last screen with a little scrollback, its CLI and its last activity, instead of the 5000-line
 * headless terminal, parser and PTY it held while running.
 */
import type { CliType, SessionActivity } from '../common/index.js';
import type { DetectionPipeline } from './detectionPipeline.js';

/** Scrollback lines an exited session keeps in its final screen: the agent's last words, not its whole log. */
export const FINAL_SCROLLBACK_LINES = 200;

/** Memory and time bounds of a session. */
export interface SessionLimits {
  /** Event history kept for `since` resume while running (bytes, see EventHistory). */
  readonly historyBytes: number;
  /** Event history an exited session keeps (bytes). */
  readonly exitedHistoryBytes: number;
  /** Grace between SIGTERM and SIGKILL (ms). */
  readonly killGraceMs: number;
}

/** Defaults: 2 MiB of history (seconds of heavy output, minutes of an agent's), 64 KiB after exit, 3 s grace. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { historyBytes: 2 * 1024 * 1024, exitedHistoryBytes: 64 * 1024, killGraceMs: 3000 };

/** What an exited session keeps instead of its terminal. */
export interface FinalRecord {
  /** VT sequences that redraw the last screen and FINAL_SCROLLBACK_LINES of scrollback. */
  readonly screen: string;
  readonly cliType: CliType;
  readonly cliVersion: string | undefined;
  readonly activity: SessionActivity;
}

/**
 * A flat copy of a string built by concatenation: V8 keeps such a string as a tree of pieces
 * (~12,000 nodes for a serialised screen, ~400 KB), which a long-lived record should not hold.
 * The JSON round trip keeps lone surrogates intact.
 */
function flatString(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** The record of a pipeline whose process exited (read before the pipeline is disposed). */
export function finalRecord(pipeline: DetectionPipeline): FinalRecord {
  return {
    screen: flatString(pipeline.screen.serialize(FINAL_SCROLLBACK_LINES)),
    cliType: pipeline.cliType,
    cliVersion: pipeline.cliVersion,
    activity: pipeline.activity,
  };
}
