/**
 * How a CLI is run for recordings and end-to-end tests, as pure data in its folder
 * (`parsers/<cli>/<cli>Recording.ts`, export `recording`): the executable, the mock model
 * server, the environment and seeded files, named variants, how a person drives it, and its
 * fixtures. test/support/cliEnv.ts builds the environment from it; test/record/record.ts
 * records the fixtures and test/record/expectations.ts writes their `.expect.json`.
 *
 * Strings in env values, file paths, file contents and scenario arguments may hold the
 * placeholders `{home}`, `{project}` and `{mock_url}` (the mock server's base URL).
 */
import type { WaitType } from '../src/common/index.js';

/** A seeded file: its text, or its text and whether it is executable (mode 0755). */
export type SeedFile = string | { readonly text: string; readonly executable?: boolean };

/**
 * Where the executable is: a path in the repository, a pinned agent CLI (.cache/agent-clis: its
 * bin `agentCli`, from the npm alias package `agentPackage` when two versions install the same
 * bin name), or an absolute path.
 */
export type CliBin = { readonly repo: string } | { readonly agentCli: string; readonly agentPackage?: string } | { readonly path: string };

/** The mock model servers under test/mock/ (`none`: the CLI talks to no model). */
export type MockKind = 'anthropic' | 'responses' | 'gemini' | 'chat' | 'none';

/** What a variant or a fixture adds to the base setup (files replace, env entries override). */
export interface SetupPatch {
  /** Env entries. */
  readonly env?: Readonly<Record<string, string>>;
  /** Files to write: path (starting with `{home}/` or `{project}/`) → content. */
  readonly files?: Readonly<Record<string, SeedFile>>;
  /** Symbolic links: path → target; `{which:NAME}` is NAME as found on the recording machine's PATH. */
  readonly links?: Readonly<Record<string, string>>;
  /** Directories to create empty. */
  readonly dirs?: readonly string[];
}

/**
 * A call of a scenario builder exported by the mock's scenario module (test/mock/), with JSON
 * arguments. An argument that is itself `{call, args}` is called first; `{const: NAME}` is a
 * constant the module exports.
 */
export interface ScenarioCall {
  readonly call: string;
  readonly args?: readonly ScenarioArg[];
}

/** An argument of a scenario call. */
export type ScenarioArg =
  | string
  | number
  | boolean
  | null
  | ScenarioCall
  | { readonly const: string }
  | readonly ScenarioArg[]
  | { readonly [key: string]: ScenarioArg | undefined };

/** What a fixture expects for one prompt (copied into the `.expect.json`, key order kept). */
export interface PromptExpect {
  readonly wait_type: WaitType;
  readonly kind?: string;
  readonly options?: readonly string[];
}

/** Keys that pick the option row whose label starts with `digitOf` (its digit), then `then`. */
export interface AnswerByLabel {
  readonly digitOf: string;
  readonly then?: readonly string[];
}

/** One screen the recording waits for, then answers. */
export interface RecordingStep {
  /** Screen text (NBSP as space) that shows the prompt is fully up; the recorder waits for it. */
  readonly screen: RegExp;
  /** Screen text that shows the prompt first appeared (`expectAt: 'shown'` only); default `screen`. */
  readonly shown?: RegExp;
  /** Omitted for screens that must produce no event. */
  readonly expect?: PromptExpect;
  /** Key chunks, one write each (the first one clears the wait); omitted on the last step. */
  readonly answer?: readonly string[] | AnswerByLabel;
  /** Resize the outer terminal to cols × rows while the prompt is up. */
  readonly resizeTo?: readonly [number, number];
  /** This step's timing, when it differs from the CLI's `driving.expectAt` (a prompt redrawn later with more on screen). */
  readonly expectAt?: 'drawn' | 'shown';
  /** Extra pause before answering this step (ms): a screen up before its CLI reads keys (Codex while it loads). */
  readonly answerAfterMs?: number;
}

/** One fixture: `fixtures/<cli>/<name>.<cols>x<rows>.cast` and its `.expect.json`. */
export interface RecordingFixture extends SetupPatch {
  readonly name: string;
  readonly description: string;
  readonly cols: number;
  readonly rows: number;
  /** The mock's script. */
  readonly script?: ScenarioCall;
  /** A named variant of the setup. */
  readonly variant?: string;
  /** Arguments after the setup's. */
  readonly args?: readonly string[];
  /** Record it with this release of the CLI (`CliRecording.releases`) instead of the main version. */
  readonly release?: string;
  /** Start the mock on this port (a CLI that prints its base URL on screen: stable casts). */
  readonly mockPort?: number;
  readonly steps: readonly RecordingStep[];
}

/**
 * Another version of the CLI, recorded and tested beside the main one (issue 13: the pinned
 * version and the newest): its executable, what it adds to the setup, and its own variants.
 */
export interface CliRelease {
  /** `cli_version` in the expect files of its fixtures. */
  readonly version: string;
  readonly bin: CliBin;
  /** Merged over the base setup, before the variant. */
  readonly setup?: SetupPatch;
  /** Variants looked up before the recording's own. */
  readonly variants?: Readonly<Record<string, SetupPatch>>;
  /** HOME and project dir for its recordings, when they differ from the recording's (no clash with other recorders). */
  readonly fixtureDirs?: { readonly home: string; readonly project: string };
}

/** How a person drives the CLI while recording. */
export interface Driving {
  /** How long to wait for each step's screen (ms). */
  readonly stepTimeoutMs: number;
  /** Quiet time after a screen appears before answering, like a person reading it (ms). */
  readonly readMs: number;
  /** Upper bound of that wait while the screen keeps changing (ms; default 15 000). */
  readonly settleTimeoutMs?: number;
  /** Extra pause after the screen settled (ms). */
  readonly afterReadMs?: number;
  /** Pause between key chunks (ms): Esc needs its own write, typing is per character. */
  readonly keyGapMs: number;
  /**
   * Pause before a submitting `\r` (ms): `after_text` when the previous chunk was typed text,
   * `in_sequence` whenever the answer has more than one chunk.
   */
  readonly submitPause?: { readonly ms: number; readonly when: 'after_text' | 'in_sequence' };
  /** Pause after each answer before looking for the next screen (ms). */
  readonly afterAnswerMs?: number;
  /** Before the first step: wait for a window title matching `title` (regex source), then `warmupMs`. */
  readonly ready?: { readonly title: string; readonly timeoutMs: number; readonly warmupMs: number };
  /**
   * When a prompt counts as up in the expect file: `drawn`, the last screen change before its
   * answer (or before a resize); `shown`, the first output whose screen matches `shown ?? screen`.
   */
  readonly expectAt: 'drawn' | 'shown';
  /** The first prompt counts no earlier than the last window-title change before it (TUIs that paint before they take keys). */
  readonly firstAfterTitle?: boolean;
}

/** Everything the recorder and the env builder need to run one CLI. */
export interface CliRecording {
  /** The CLI version the fixtures were recorded with (`cli_version` in the expect files). */
  readonly version: string;
  readonly bin: CliBin;
  /** Arguments before each fixture's. */
  readonly args?: readonly string[];
  readonly mock: MockKind;
  /** The base setup; the builder adds HOME, USER, PATH, TERM, LANG and SHELL unless `env` sets them. */
  readonly setup: SetupPatch;
  /** Named variants merged over the base setup (`trust: false` → `untrusted`, …). */
  readonly variants?: Readonly<Record<string, SetupPatch>>;
  /** Stable HOME and project dir for recordings, so casts need no redaction. */
  readonly fixtureDirs: { readonly home: string; readonly project: string };
  readonly driving: Driving;
  readonly fixtures: readonly RecordingFixture[];
  /** Other versions, by name (by convention the version); fixtures and envs pick one with `release`. */
  readonly releases?: Readonly<Record<string, CliRelease>>;
  /** The release the end-to-end suites run by default (the newest); absent: the main version. */
  readonly newest?: string;
}

/**
 * The release `name` of `recording`, or the main version when `name` is undefined.
 * @throws Error when the recording has no such release
 */
export function releaseOf(recording: CliRecording, name: string | undefined): CliRelease {
  if (name === undefined) return { version: recording.version, bin: recording.bin };
  const release = recording.releases?.[name];
  if (release === undefined) throw new Error(`no release ${name} in the recording data`);
  return release;
}

/** What a recording types into an API-key box: not a key (the casts are public); test/secretPrompt.test.ts looks for it. */
export const FIXTURE_API_KEY = 'fixture-key-not-real-0000';

/** Types `text` one character per chunk, then Enter as its own chunk. */
export function typed(text: string): string[] {
  return [...Array.from(text), '\r'];
}

/** Every fixture at its size, plus those named in `smallToo` again at 80×24. */
export function withSmall(base: readonly RecordingFixture[], smallToo: readonly string[]): RecordingFixture[] {
  return [...base, ...base.filter((spec) => smallToo.includes(spec.name) && spec.cols === 120).map((spec) => ({ ...spec, cols: 80, rows: 24 }))];
}

/** A scenario call. */
export function scenario(call: string, ...args: ScenarioArg[]): ScenarioCall {
  return args.length === 0 ? { call } : { call, args };
}
