/**
 * The shape of everything Tether knows about one agent CLI: id and name, how to recognise it
 * (command names; the banner through its parser), the screen parser, how answers are typed,
 * how notifications name it, and (from issue 9 on) how its hooks and transcript are read.
 * Each `parsers/<cli>/` folder exports one descriptor; `parsers/index.ts` lists them. Pure:
 * data and pure functions only (no Node APIs, no clock).
 */
import type { CliType, IPromptParser, ScreenSnapshot, WaitType } from '../src/common/index.js';
import type { CliRecording } from './cliRecording.js';

/** How answers are typed into this CLI. */
export interface AnswerStyle {
  /** The bytes that submit typed text (`\r` for every CLI so far: `\n` is a newline in their editors). */
  readonly submitKey: string;
  /**
   * Shortest pause (ms) between typed text and `submitKey`; the configured
   * `sessions.submit_delay_ms` applies when it is longer. Absent: the configured pause alone.
   */
  readonly minSubmitDelayMs?: number;
  /**
   * The draft in the CLI's own input area as `screen` shows it ('' when empty), undefined when
   * no input area is on screen (a dialog replaces it). Typing waits until the text shows here
   * before its submit key, and checks that the input let go of it after (src/core/typedSubmit.ts);
   * absent, the whole screen is checked for the text instead. Pure.
   */
  readonly readInput?: (screen: ScreenSnapshot) => string | undefined;
}

/** How push notifications and UIs name a session of this CLI. */
export interface NotificationWording {
  /**
   * Name the agent after the session's command basename instead of `displayName` (for
   * commands Tether has no descriptor of its own for: "aider-dev wants…" rather than "Agent…").
   */
  readonly nameFromCommand?: boolean;
}

/**
 * What a CLI's own hooks or transcript said, as one pure reader sees it. The next issues
 * (hooks, transcripts) extend this union; the WaitDetector weighs it with the screen.
 */
export type AgentSignal =
  | { readonly kind: 'waiting'; readonly waitType: WaitType; readonly toolName?: string }
  | { readonly kind: 'busy'; readonly activity?: string }
  | { readonly kind: 'turn_end' };

/** Reads the JSON a CLI hook writes to its stdin. */
export interface HookReader {
  /** The hook events Tether subscribes to for this CLI (e.g. Claude Code's `PreToolUse`, `Stop`). */
  readonly events: readonly string[];
  /** What one hook payload says; undefined when it says nothing Tether uses. Never throws. */
  read(payload: unknown): AgentSignal | undefined;
}

/** Reads one line of a CLI's transcript (JSONL). */
export interface TranscriptReader {
  /** What one transcript line says; undefined for lines Tether does not use. Never throws. */
  read(line: string): AgentSignal | undefined;
}

/** The agent's own witnesses beside the screen (issue 9 fills these in per CLI). */
export interface AgentWitnesses {
  readonly hooks?: HookReader;
  readonly transcript?: TranscriptReader;
}

/** Which versions of a CLI its folder was verified against, and how a session's version is read. */
export interface VersionSupport {
  /**
   * Versions whose screens this folder recorded and verified (fixtures, testdata), oldest first.
   * `tether doctor` marks an installed version verified when it is listed here; a session of
   * another version is reported as drift (`unverified_version`).
   */
  readonly verified: readonly string[];
  /**
   * npm packages that install the CLI: the `package.json` above its executable names the version.
   * (Any package whose `bin` is the executable also counts; this list only speeds the match.)
   */
  readonly packages?: readonly string[];
  /** The version the CLI draws on screen (banner, footer), when it draws one. Pure. */
  readonly fromScreen?: (screen: ScreenSnapshot) => string | undefined;
}

/** How a CLI resumes an earlier conversation in a new process (its own flag or subcommand). */
export interface ResumeStyle {
  /** The arguments that resume conversation `conversationId`; the session's own arguments follow them. */
  readonly args: (conversationId: string) => readonly string[];
}

/** Everything Tether knows about one CLI. */
export interface CliDescriptor {
  /** The id on the wire (`cli_type`) and for `--cli`: lowercase letters and digits, e.g. `claude`. */
  readonly id: CliType;
  /** The name people read: "Claude Code". */
  readonly displayName: string;
  /**
   * Command basenames that run this CLI, matched case-insensitively (`/usr/bin/claude` →
   * claude). The first is the one a UI offers to start; an empty list: never started by name.
   */
  readonly commands: readonly string[];
  /**
   * The pure screen parser (`parser.cli` is `id`). Its `matchesBanner`, when present, is the
   * banner cue `--cli auto` detection tries, in registry order.
   */
  readonly parser: IPromptParser;
  /** How answers are typed. */
  readonly answers: AnswerStyle;
  /** How notifications name the agent (default: `displayName`). */
  readonly notification?: NotificationWording;
  /** How the CLI resumes a conversation (`resume_session`); absent: it cannot. */
  readonly resume?: ResumeStyle;
  /** How the CLI's hooks and transcript are read; absent: the screen is the only witness. */
  readonly witnesses?: AgentWitnesses;
  /**
   * How recordings and end-to-end tests run it (`<cli>Recording.ts`: executable, mock model,
   * env, seeded files, fixtures). Test data, loaded lazily: only test/record and test/support call it.
   */
  readonly recording?: () => Promise<CliRecording>;
  /** Verified versions and how the running version is read; absent: versions are not tracked. */
  readonly versions?: VersionSupport;
  /**
   * `false`: the CLI-agnostic fallback reader (parsers/fallback) never runs for this CLI. Shells and
   * unknown commands run arbitrary TUIs (fzf, menus) whose lists are no agent's prompt. Default: on.
   */
  readonly fallback?: false;
}

/** The submit key every CLI so far uses. */
export const ENTER = '\r';
