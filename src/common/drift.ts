/**
 * Drift: evidence that a CLI no longer looks the way its parser expects (a newer version, a
 * screen nobody recorded). Anything that notices it reports a `DriftReport` to an `IDriftSink`;
 * the daemon's sink counts reports per CLI, CLI version and kind, logs them and keeps the
 * counts in the data dir, where `tether doctor` reads them.
 */
import type { CliType } from './verdict.js';

/**
 * Kinds of drift reported so far (a plain string, so other witnesses can add theirs):
 * - `fallback_prompt`: the CLI's parser saw nothing while the CLI-agnostic fallback reader saw a
 *   prompt long enough to report it (`waiting_for_input` with `confidence: "low"`);
 * - `unverified_version`: a session started a CLI version its descriptor does not list as verified.
 * The hooks witness (issue 9) adds `hook_without_screen`, `screen_without_hook`, `hooks_silent`.
 */
export type DriftKind = string;

/** Longest sample kept with a drift record (characters); samples are cut, never secrets. */
export const DRIFT_SAMPLE_MAX = 160;

/** One observation of drift. */
export interface DriftReport {
  readonly cli: CliType;
  /** The CLI's version when known (`SessionInfo.cli_version`). */
  readonly cliVersion?: string;
  readonly kind: DriftKind;
  /**
   * A short description of what was seen (e.g. a prompt's question and option labels). Never
   * typed text, screen contents of a text field, or anything from the environment: it is logged
   * and written to disk. Cut to DRIFT_SAMPLE_MAX characters by the sink.
   */
  readonly sample?: string;
}

/** The counts kept for one (cli, cli_version, kind). The file format of `drift.json`'s entries. */
export interface DriftRecord {
  readonly cli: CliType;
  /** `unknown` when the session's version could not be read. */
  readonly cli_version: string;
  readonly kind: DriftKind;
  readonly count: number;
  /** ISO 8601. */
  readonly first_seen: string;
  /** ISO 8601. */
  readonly last_seen: string;
  /** The latest report's sample ('' when none). */
  readonly sample: string;
}

/** Where drift is reported. Implementations never throw and return at once. */
export interface IDriftSink {
  recordDrift(report: DriftReport): void;
}

/** The version string drift records use when none is known. */
export const UNKNOWN_VERSION = 'unknown';
