/**
 * WaitDetector: the one place that turns a session's stream of parser verdicts into edges,
 * `waiting_for_input` and `waiting_cleared`, with a fresh prompt_id per prompt. It also
 * decides when a prompt counts as new (its signature changed) and when a cleared prompt
 * may fire again (only after the screen changed or the agent went busy).
 */
import { Disposable, Emitter, hasHiddenCharacters } from '../common/index.js';
import type {
  ClearCause,
  CliType,
  HookDetails,
  OnTimeout,
  WaitType,
  PromptInfo,
  PromptOption,
  Verdict,
  WaitingClearedEvent,
  WaitingForInputEvent,
  WireOption,
} from '../common/index.js';

/** What the detector needs from its session. */
export interface WaitDetectorOptions {
  readonly sessionId: string;
  readonly cliType: () => CliType;
  /** The next per-session seq (shared with pty_output). */
  readonly nextSeq: () => number;
  /** ISO timestamp for the pipeline clock's now. */
  readonly timestamp: () => string;
  /** The expiry of a new prompt of this wait type (`approvals`), or undefined when it never expires. */
  readonly expiryOf?: (waitType: WaitType, timestamp: string) => { readonly expires_at: string; readonly on_timeout: OnTimeout } | undefined;
}

type WaitEvent = WaitingForInputEvent | WaitingClearedEvent;

/**
 * Identity of a prompt while it is live: the same dialog (type, title, question, fixed options)
 * is the same prompt even when its body repaints (a diff that loads after the dialog).
 */
export function promptIdentity(prompt: PromptInfo): string {
  // The idle box's content is whatever the user is typing: it never makes a new prompt.
  if (prompt.waitType === 'awaiting_response') return `${prompt.waitType}|${prompt.kind ?? ''}|${prompt.confidence ?? ''}`;
  const rows = prompt.content.split('\n');
  const labels = prompt.options.filter((o) => !o.acceptsText).map((o) => o.label).join('\u0001');
  // Title, subject (command or file) and question; not the body between them.
  return `${prompt.waitType}|${prompt.kind ?? ''}|${prompt.confidence ?? ''}|${prompt.toolName ?? ''}|${rows[0]}|${rows[1] ?? ''}|${rows[rows.length - 1]}|${labels}`;
}

/**
 * Key of a prompt the user has acted on: it may not fire again while its text stays the same
 * (typing into a text option changes only that option's row), but a prompt with other text may.
 */
export function promptContentKey(prompt: PromptInfo): string {
  if (prompt.waitType === 'awaiting_response') return promptIdentity(prompt);
  return `${prompt.waitType}|${prompt.kind ?? ''}|${prompt.content}`;
}

/** An option as clients see it: `accepts_text` only when true, `role` only when known. */
export function toWireOption(option: PromptOption): WireOption {
  return {
    id: option.id,
    label: option.label,
    ...(option.acceptsText === true ? { accepts_text: true as const } : {}),
    ...(option.role !== undefined ? { role: option.role } : {}),
  };
}

/** Turns verdicts into waiting edges. */
export class WaitDetector extends Disposable {
  private readonly _onEvent = this._register(new Emitter<WaitEvent>());
  /** waiting_for_input / waiting_cleared edges. */
  readonly onEvent = this._onEvent.event;

  private _live: { event: WaitingForInputEvent; prompt: PromptInfo; identity: string } | undefined;
  /** Content key of a prompt cleared by input/answer; it may not fire again until the screen moves on. */
  private _suppressed: string | undefined;
  /** True once the agent has been busy since the last awaiting_response. */
  private _turnSinceIdle = false;
  private _promptCount = 0;

  constructor(private readonly _options: WaitDetectorOptions) {
    super();
  }

  /** The live prompt, if any. */
  get live(): { readonly event: WaitingForInputEvent; readonly prompt: PromptInfo } | undefined {
    return this._live;
  }

  /** Feeds one verdict (after the screen settled). */
  observe(verdict: Verdict): void {
    if (verdict.state === 'unknown') return;
    if (verdict.state === 'busy') {
      this._suppressed = undefined;
      this._turnSinceIdle = true;
      this._clear('agent_resumed');
      return;
    }
    const identity = promptIdentity(verdict.prompt);
    if (this._live?.identity === identity) {
      this._live = { ...this._live, prompt: this._live.prompt.hook !== undefined && verdict.prompt.hook === undefined ? { ...verdict.prompt, hook: this._live.prompt.hook } : verdict.prompt };
      return;
    }
    if (this._suppressed === promptContentKey(verdict.prompt)) return;
    this._suppressed = undefined;
    this._clear('superseded');
    this._fire(verdict.prompt, identity);
  }

  /** User input (not a terminal reply) reached the PTY: the user is acting on the prompt; `response` is what it was (`input` for text). */
  userInput(response = 'input'): void {
    this._clearAndSuppress('input', response);
  }

  /** An answer to `promptId` is being sent: `response` is its keys (or `input`), `cause` says who answered. */
  answered(promptId: string, response?: string, cause: ClearCause = 'answered'): void {
    if (this._live?.event.prompt_id === promptId) this._clearAndSuppress(cause, response);
  }

  /** Fires a prompt no screen showed (a permission hook announced it, crossCheck.ts), superseding any live one. */
  raise(prompt: PromptInfo): void {
    const identity = promptIdentity(prompt);
    if (this._live?.identity === identity) return;
    this._clear('superseded');
    this._fire(prompt, identity);
  }

  /** Gives the live prompt the hook's details: later readers (pending prompts, resume) see them; nothing is emitted. */
  annotate(details: HookDetails): void {
    const live = this._live;
    if (!live || live.event.hook_details !== undefined) return;
    this._live = { ...live, event: { ...live.event, hook_details: details }, prompt: { ...live.prompt, hook: details } };
  }

  /** Clears the live prompt when a hook raised it. */
  clearHookPrompt(cause: ClearCause): void {
    if (this._live?.prompt.source === 'hook') this._clear(cause);
  }

  /** Clears the live prompt when it came from the fallback reader (the screen no longer shows it). */
  clearLowConfidence(): void {
    if (this._live?.prompt.confidence === 'low') this._clear('superseded');
  }

  /**
   * Text the user typed was submitted (its input let go of it): a turn began, so the idle prompt
   * may fire again once it is back, even when the agent answered too fast for a busy screen to
   * be seen.
   */
  turnStarted(): void {
    this._suppressed = undefined;
    this._turnSinceIdle = true;
  }

  /** Typing into the prompt was refused (typedSubmit.ts): the prompt still on screen may be reported again. */
  unsuppress(): void {
    this._suppressed = undefined;
  }

  /** The PTY exited. */
  exited(): void {
    this._clear('session_exited');
  }

  private _clearAndSuppress(cause: ClearCause, response?: string): void {
    if (!this._live) return;
    this._suppressed = promptContentKey(this._live.prompt);
    this._clear(cause, response);
  }

  private _fire(prompt: PromptInfo, identity: string): void {
    const afterTurn = prompt.waitType === 'awaiting_response' ? this._turnSinceIdle : undefined;
    if (prompt.waitType === 'awaiting_response') this._turnSinceIdle = false;
    this._promptCount += 1;
    const timestamp = this._options.timestamp();
    const expiry = this._options.expiryOf?.(prompt.waitType, timestamp);
    const event: WaitingForInputEvent = {
      type: 'waiting_for_input',
      session_id: this._options.sessionId,
      seq: this._options.nextSeq(),
      timestamp,
      prompt_id: `${this._options.sessionId}-p${this._promptCount}`,
      wait_type: prompt.waitType,
      prompt_content: prompt.content,
      options: prompt.options.map(toWireOption),
      cli_type: this._options.cliType(),
      ...(prompt.toolName ? { tool_name: prompt.toolName } : {}),
      ...(prompt.kind ? { kind: prompt.kind } : {}),
      ...(afterTurn !== undefined ? { after_turn: afterTurn } : {}),
      ...(prompt.confidence ? { confidence: prompt.confidence } : {}),
      ...(prompt.sensitive ? { sensitive: true as const } : {}),
      ...(prompt.source === 'hook' ? { source: 'hook' as const } : {}),
      ...(prompt.hook !== undefined ? { hook_details: prompt.hook } : {}),
      ...(expiry !== undefined ? { expires_at: expiry.expires_at, on_timeout: expiry.on_timeout } : {}),
      ...(hasHiddenCharacters(prompt.content) || prompt.options.some((option) => hasHiddenCharacters(option.label)) ? { has_hidden_characters: true as const } : {}),
    };
    this._live = { event, prompt, identity };
    this._onEvent.fire(event);
  }

  private _clear(cause: ClearCause, response?: string): void {
    const live = this._live;
    if (!live) return;
    this._live = undefined;
    this._onEvent.fire({
      type: 'waiting_cleared',
      session_id: this._options.sessionId,
      seq: this._options.nextSeq(),
      timestamp: this._options.timestamp(),
      prompt_id: live.event.prompt_id,
      cause,
      ...(response !== undefined ? { response } : {}),
    });
  }
}
