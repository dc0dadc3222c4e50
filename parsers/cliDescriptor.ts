/**
 * The shape of everything Tether knows about one agent CLI: id and name, how to recognise it
 * (command names; the banner through its parser), the screen parser, how answers are typed,
 * how notifications name it, and (from issue 9 on) how its hooks and transcript are read.
 * Each `parsers/<cli>/` folder exports one descriptor; `parsers/index.ts` lists them. Pure:
 * data and pure functions only (no Node APIs, no clock).
 */
import type { AgentEvent, CliType, IPromptParser, ScreenSnapshot } from '../src/common/index.js';
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
   * Quiet time (ms) a dialog needs on screen before answer keys are written: a key the CLI reads
   * sooner may be refused without a trace. Absent: the core's default (src/core/answerLanding.ts).
   */
  readonly answerSettleMs?: number;
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

/** What the core gives a CLI's hook witness to build one session's injection. */
export interface HookSessionContext {
  /** The daemon's events endpoint for this session (`http://127.0.0.1:<port>/api/sessions/<id>/events`). */
  readonly eventsUrl: string;
  /** The environment variable that holds the session's hook secret (the CLI's HTTP hooks send it as a bearer token). */
  readonly tokenEnv: string;
  /** The forwarder's argv (`tether hook`, by absolute paths): reads a hook's JSON on stdin and posts it; always exits 0. */
  readonly forwarder: readonly string[];
  /** A conversation id Tether chose for the CLI (a UUID), when the CLI takes one. */
  readonly conversationId: string;
  /** The user's arguments for the CLI (an injection steps back where they already name a conversation). */
  readonly args: readonly string[];
  /** The agent's environment (the user's and the session's), for injections that must respect the user's own settings paths. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The daemon's platform (`process.platform`: `linux`, `darwin`, `win32`), where the CLI's system paths differ. */
  readonly platform?: string;
  /** Reads a file an injection replaces and must carry over (a system settings file); undefined when absent or unreadable. */
  readonly readFile?: (path: string) => string | undefined;
  /** SHA-256 of a UTF-8 text as lowercase hex (Codex's per-session hook trust hash). */
  readonly sha256?: (text: string) => string;
}

/** What one session of a CLI is started with so that its hooks reach the daemon. */
export interface HookInjection {
  /** Arguments put before the user's. */
  readonly args: readonly string[];
  /** Extra environment (`{runDir}` in a value is the run folder, as in args). */
  readonly env: Readonly<Record<string, string>>;
  /** Files the core writes (mode 0600) into the session's private run folder; `{runDir}` in args is that folder. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly content: string }>;
  /** The conversation id the CLI will use, when the injection fixed it (`--session-id`). */
  readonly conversationId?: string;
}

/** How a CLI's hooks are injected into one session and read. Pure. */
export interface HookWitness {
  /** The hook events Tether subscribes to (Claude Code: SessionStart, PermissionRequest, Stop, …). */
  readonly events: readonly string[];
  /** The args, env and files that give one session Tether's hooks without touching the user's settings. */
  inject(session: HookSessionContext): HookInjection;
  /** One hook payload → agent events (none for payloads Tether does not use). Never throws. */
  read(payload: unknown): readonly AgentEvent[];
}

/**
 * A transcript whose name holds what only the CLI knows (its start time): the core lists
 * `dir`/`within…` for a file whose name passes `name`, and takes it only when its first line
 * passes `owns` (so a file of another conversation is never read).
 */
export interface TranscriptSearch {
  /** The folder searched (absolute). */
  readonly dir: string;
  /** The folders between `dir` and the file, `*` for any one name (Codex: `['*', '*', '*']`, YYYY/MM/DD). */
  readonly within: readonly string[];
  /** Look only in the last `newest` names (sorted) of each `*` folder (date folders: the session's is among the newest). Default: all. */
  readonly newest?: number;
  /** The file name's test. */
  readonly name: RegExp;
  /** The first line (parsed) names this conversation. */
  readonly owns: (firstLine: unknown) => boolean;
}

/** Where one session's transcript is and how its lines read. Pure. */
export interface TranscriptWitness {
  /**
   * The transcript's path for a conversation (absolute), or where to search for it, from the
   * user's home, the agent's environment and the session's cwd; never another conversation's
   * file. Undefined when it cannot be known.
   */
  locate(session: {
    readonly home: string;
    readonly cwd: string;
    readonly conversationId: string;
    readonly env?: Readonly<Record<string, string | undefined>>;
  }): string | TranscriptSearch | undefined;
  /** One JSONL line (already parsed) → agent events (none for lines Tether does not use). Never throws. */
  read(line: unknown): readonly AgentEvent[];
  /**
   * For a file with no turn-end line (Gemini CLI): a `turn_end` this witness reads is only a
   * candidate, held this long (ms) and dropped when the file says more first (the same message
   * rewritten with tool calls, a tool result).
   */
  readonly settleTurnEndMs?: number;
}

/**
 * A CLI whose own server streams its events (OpenCode's `GET /event`, server-sent events): the
 * hook witness's injection puts the server on `{port}` with `{token}` as its password (the core
 * fills both in args and env), and the core reads `path` with basic auth as `user`. Pure.
 */
export interface EventStreamWitness {
  readonly path: string;
  readonly user: string;
  /** One event (a `data:` frame, parsed) → agent events; `conversationId` once known (events of other sessions are left out). Never throws. */
  read(event: unknown, conversationId: string | undefined): readonly AgentEvent[];
}

/** The agent's own witnesses beside the screen (docs/agent-voices.md). */
export interface AgentWitnesses {
  readonly hooks?: HookWitness;
  readonly stream?: EventStreamWitness;
  readonly transcript?: TranscriptWitness;
  /**
   * What a tool approval announced only by a hook offers (no screen prompt was read): labels,
   * roles and the keys that pick each, for `waiting_for_input` with `source: "hook"`.
   */
  readonly hookApproval?: readonly HookApprovalOption[];
}

/** One option of a hook-announced approval. */
export interface HookApprovalOption {
  readonly id: string;
  readonly label: string;
  readonly role: 'approve' | 'approve_always' | 'deny';
  /** The bytes that pick it on the CLI's dialog. */
  readonly keys: string;
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
