/**
 * What a prompt parser concludes about one screen: busy, waiting (with a wait type and the
 * options on screen), or unknown. Parsers are pure: snapshot + time in, Verdict out.
 */
import type { ScreenSnapshot } from './screen.js';

/** A prompt's details as the CLI's permission hook gave them. */
export interface HookDetails {
  readonly tool_name: string;
  /** The shell command, for shell tools. */
  readonly command?: string;
  /** The CLI's id of the request, where it gives one. */
  readonly request_id?: string;
}

/** The kinds of waiting Tether reports (wire names). */
export const WAIT_TYPES = ['tool_approval', 'plan_approval', 'clarifying_question', 'awaiting_response'] as const;
/** A kind of waiting. */
export type WaitType = (typeof WAIT_TYPES)[number];

/**
 * A CLI id (`claude`, `codex`, `shell`, `generic`, …). Deliberately a plain string: the ids
 * belong to the descriptors in `parsers/<cli>/`, and this zone may not import `parsers/`, so
 * no list of CLIs is kept here. The registry (`parsers/index.ts`, `isCliType`) is the one judge
 * of which ids exist: every id that enters the daemon (`create_session`'s command, `--cli`, a
 * fixture's `cli`) is resolved or checked there, and the daemon only emits ids taken from a
 * descriptor. On the wire the schemas check the shape (`CLI_ID_PATTERN`) and `welcome.clis`
 * lists the ids this daemon knows.
 */
export type CliType = string;

/** The shape of a CLI id: lowercase letters and digits, at most 32 characters. */
export const CLI_ID_PATTERN = /^[a-z][a-z0-9]{0,31}$/;

/** One selectable option read off the screen. */
export interface PromptOption {
  /** Stable id within the prompt: the on-screen number ("1", "2", …) or a label slug. */
  readonly id: string;
  /** The option's label as drawn (wrapped lines joined, trimmed). */
  readonly label: string;
  /** The bytes that select this option right now (e.g. "1" for Claude's digit select). */
  readonly keys: string;
  /** True when picking this option opens a text field (e.g. "Type something.", "No, keep planning"). */
  readonly acceptsText?: boolean;
  /**
   * What the option means for `tool_approval` answers, when the parser knows it: `approve`
   * (once), `approve_always` (for the session or for good), `deny`. Answers use it before
   * falling back to the label ("Yes…", "…don't ask again…", "No…").
   */
  readonly role?: OptionRole;
}

/** The meanings an approval option can have (wire names). */
export const OPTION_ROLES = ['approve', 'approve_always', 'deny'] as const;
/** The meaning of an approval option. */
export type OptionRole = (typeof OPTION_ROLES)[number];

/** A live prompt as read off the screen. */
export interface PromptInfo {
  readonly waitType: WaitType;
  /** A subtype for startup dialogs and tools, e.g. "trust_folder", "api_key", "Bash". */
  readonly kind?: string;
  /** The tool name where the prompt is a tool dialog (e.g. "Bash", "Edit"). */
  readonly toolName?: string;
  /** The prompt's text: title, body and question, joined with newlines, no option rows. */
  readonly content: string;
  readonly options: readonly PromptOption[];
  /** Keys that cancel/deny the prompt (e.g. ESC), when the CLI has such a key. */
  readonly cancelKeys?: string;
  /** True when free text may be typed as the answer (idle input box, "Type something"). */
  readonly acceptsText: boolean;
  /**
   * `low` when the prompt was read by the CLI-agnostic fallback reader (parsers/fallback), not by
   * the CLI's own parser: its wait type and options are a structural guess. Absent: the parser's.
   */
  readonly confidence?: Confidence;
  /**
   * True when the text typed as the answer is a secret (an API key box): UIs mask it, and neither
   * the prompt's content nor any log or notification ever carries what was typed.
   */
  readonly sensitive?: boolean;
  /** `hook`: no screen prompt was read; the CLI's permission hook announced it (core/crossCheck.ts). */
  readonly source?: 'hook';
  /** What the CLI's permission hook said about this prompt, when one announced it. */
  readonly hook?: HookDetails;
}

/** How sure Tether is of a prompt it reports (wire names); only `low` is ever sent. */
export const CONFIDENCES = ['low'] as const;
/** A prompt's confidence. */
export type Confidence = (typeof CONFIDENCES)[number];

/** A parser's conclusion about one screen. */
export type Verdict =
  | {
      readonly state: 'busy';
      /** The CLI's busy line without its spinner glyph, e.g. "Pondering…". */
      readonly activity?: string;
      /** Progress of the todo list drawn on screen, when there is one. */
      readonly todo?: { readonly completed: number; readonly total: number };
    }
  | { readonly state: 'waiting'; readonly prompt: PromptInfo }
  | { readonly state: 'unknown' };

/** What the pipeline knows beside the screen when it asks a parser. */
export interface ParseContext {
  /** How long output had been quiet when the screen was read (ms). */
  readonly quietMs?: number;
}

/** The draft in a CLI's input box, as drawn. */
export interface InputBox {
  /** The draft's rows joined with `\n` (prompt glyph and indents stripped); '' when empty. */
  readonly text: string;
  /** The cursor within `text` (UTF-16 code units from its start; cells are taken as one unit each). */
  readonly cursor: number;
}

/** A pure, per-CLI prompt parser. It never throws and never reads the clock itself. */
export interface IPromptParser {
  readonly cli: CliType;
  /** Reads one snapshot; `nowMs` is the pipeline clock (virtual in replay). */
  parse(screen: ScreenSnapshot, nowMs: number, context?: ParseContext): Verdict;
  /** True when the first screen shows this CLI's banner (used by `--cli auto`). */
  matchesBanner?(screen: ScreenSnapshot): boolean;
  /**
   * The draft in the CLI's input box and the cursor in it, while the box is the live element
   * of the screen; undefined otherwise. Absent: the registry's generic reader (the cursor's row
   * behind a `>`/`❯`/`›` prompt) is used.
   */
  readInput?(screen: ScreenSnapshot): InputBox | undefined;
}
