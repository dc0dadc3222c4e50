/**
 * CrossCheck: the agent's own hooks as a second witness beside the screen (issue 9, "Cross-checked
 * with the screen"). The screen stays the source of truth; this only uses hook evidence to
 * - give a screen prompt the hook's details (tool, command, request id) when a permission hook
 *   announced it too (`hook_details`);
 * - raise a prompt the screen did not show (`source: "hook"`) when a permission request stays
 *   unanswered HOOK_GRACE_MS with no screen prompt and no sign the agent went on (the user's own
 *   hooks answered it: the screen went busy, or the tool's result or the turn's end came);
 * - clear such a prompt on the tool's result, the turn's end or the session's end;
 * - count every disagreement as drift: `hook_without_screen`, `screen_without_hook`, and
 *   `hooks_silent` for a session whose hooks never fire.
 * Generic over AgentEvent: any CLI's witness that reads `permission_request`, `notification`
 * (`permission_prompt`), `tool_start`/`tool_result`, `turn_end` and `session_end` plugs in.
 * Runs on the pipeline's IClock, so a replay gives the live session's events.
 */
import { Disposable } from '../common/index.js';
import type { AgentEvent, ClearCause, HookDetails, IClock, IDisposable, PromptInfo, WaitingForInputEvent } from '../common/index.js';

/** How long a permission request may go without a screen prompt before the hook alone raises it (ms). */
export const HOOK_GRACE_MS = 1500;
/** Claude Code's `notification_type` for "Claude needs your permission" (observed 2.1.197, 2.1.332). */
const PERMISSION_NOTIFICATION = 'permission_prompt';

/** What the cross-check needs from its pipeline. */
export interface CrossCheckPort {
  readonly clock: IClock;
  /** True when the session's hooks were injected (a silent session is then drift). */
  readonly hooksExpected: boolean;
  /** The live prompt, if any. */
  live(): { readonly event: WaitingForInputEvent; readonly prompt: PromptInfo } | undefined;
  /** The last screen read: its state and when (clock ms); undefined before the first. */
  lastRead(): { readonly state: 'busy' | 'waiting' | 'unknown'; readonly at: number } | undefined;
  /** Raises a prompt the hook announced (the detector fires `waiting_for_input`). */
  raise(prompt: PromptInfo): void;
  /** Adds the hook's details to the live screen prompt (no new event: readers of the live prompt see them). */
  annotate(details: HookDetails): void;
  /** Clears the live prompt when it came from a hook. */
  clearHookPrompt(cause: ClearCause): void;
  /** The options a hook-announced approval offers (the CLI's descriptor), if it says. */
  hookOptions(): readonly { readonly id: string; readonly label: string; readonly role: 'approve' | 'approve_always' | 'deny'; readonly keys: string }[] | undefined;
  /** Counts drift under the session's CLI and version. */
  drift(kind: 'hook_without_screen' | 'screen_without_hook' | 'hooks_silent', sample: string): void;
}

/** A permission request the screen has not shown yet. */
interface PendingRequest {
  readonly details: HookDetails;
  readonly at: number;
  readonly timer: IDisposable;
}

/** True for prompts that ask for a decision (not the idle input box). */
function isDecision(prompt: Pick<PromptInfo, 'waitType'>): boolean {
  return prompt.waitType !== 'awaiting_response';
}

/** Hook evidence against the screen, for one session. */
export class CrossCheck extends Disposable {
  private _heard = false;
  private _silentReported = false;
  private _pending: PendingRequest | undefined;
  /** The last permission request (for a late `permission_prompt` notification). */
  private _lastRequest: HookDetails | undefined;
  /** A screen prompt no hook has announced yet, and its check. */
  private _unannounced: { readonly promptId: string; readonly timer: IDisposable } | undefined;
  private _silenceCheck: IDisposable | undefined;
  /** Tool calls seen (id → name and command), to match a tool's result to the request it answers. */
  private readonly _tools = new Map<string, { readonly name: string; readonly command?: string }>();
  /** The request a hook prompt stands for. */
  private _raisedFor: HookDetails | undefined;

  constructor(private readonly _port: CrossCheckPort) {
    super();
    this._register({ dispose: () => (this._pending?.timer.dispose(), this._unannounced?.timer.dispose(), this._silenceCheck?.dispose()) });
  }

  /** One event the agent said (hook or transcript), in arrival order. @throws never */
  evidence(event: AgentEvent): void {
    if (this.isDisposed) return;
    if (event.source === 'hook') this._heard = true;
    switch (event.kind) {
      case 'permission_request':
        return this._request({ tool_name: event.toolName, ...(event.command !== undefined ? { command: event.command } : {}), ...(event.requestId !== undefined ? { request_id: event.requestId } : {}) });
      case 'notification':
        if (event.notificationType === PERMISSION_NOTIFICATION) this._stillWaiting(event.message);
        return;
      case 'tool_start':
        if (event.toolUseId !== undefined) {
          const command = (event.toolInput as { command?: unknown } | undefined)?.command;
          this._tools.set(event.toolUseId, { name: event.toolName, ...(typeof command === 'string' ? { command } : {}) });
          if (this._tools.size > 1000) this._tools.delete(this._tools.keys().next().value as string);
        }
        return;
      case 'tool_result':
        return this._toolDone(event.toolUseId !== undefined ? this._tools.get(event.toolUseId) : event.toolName !== undefined ? { name: event.toolName } : undefined);
      case 'turn_end':
      case 'session_end':
        this._cancelPending();
        this._raisedFor = undefined;
        return this._port.clearHookPrompt('agent_resumed');
      default:
        return;
    }
  }

  /**
   * A decision prompt the screen shows now, before the detector sees it: with the details of a
   * permission request awaiting a screen prompt (which it then no longer awaits).
   */
  decorate(prompt: PromptInfo): PromptInfo {
    const pending = this._pending;
    if (!isDecision(prompt) || pending === undefined) return prompt;
    this._cancelPending();
    return { ...prompt, hook: pending.details };
  }

  /** The detector fired a prompt read off the screen: checks that the hooks announce it. */
  screenPrompt(event: WaitingForInputEvent): void {
    if (!this._port.hooksExpected || event.source === 'hook') return;
    if (event.wait_type === 'awaiting_response') {
      if (event.after_turn === true) this._checkSilence();
      return;
    }
    // Tool dialogs are what permission hooks announce (startup dialogs and questions are not).
    if (event.wait_type !== 'tool_approval' || event.tool_name === undefined) return;
    this._checkSilence();
    if (event.hook_details !== undefined) return;
    this._unannounced?.timer.dispose();
    const promptId = event.prompt_id;
    const timer = this._port.clock.setTimeout(() => {
      if (this._unannounced?.promptId !== promptId) return;
      this._unannounced = undefined;
      if (this._heard) this._port.drift('screen_without_hook', `${event.wait_type} ${event.tool_name ?? ''}`.trim());
    }, HOOK_GRACE_MS);
    this._unannounced = { promptId, timer };
  }

  /** User input reached the agent: a request waiting for the screen is being answered. */
  input(): void {
    this._cancelPending();
  }

  private _request(details: HookDetails): void {
    this._lastRequest = details;
    const live = this._port.live();
    if (live !== undefined && isDecision(live.prompt) && live.event.source !== 'hook') {
      // The screen was first: the prompt gets the hook's details.
      this._port.annotate(details);
      if (this._unannounced?.promptId === live.event.prompt_id) (this._unannounced.timer.dispose(), (this._unannounced = undefined));
      return;
    }
    this._cancelPending();
    const at = this._port.clock.now();
    const timer = this._port.clock.setTimeout(() => this._due(), HOOK_GRACE_MS);
    this._pending = { details, at, timer };
  }

  /** The grace passed with no screen prompt: raise it from the hook, unless the agent went on. */
  private _due(): void {
    const pending = this._pending;
    this._pending = undefined;
    if (pending === undefined) return;
    const live = this._port.live();
    if (live !== undefined && isDecision(live.prompt)) return;
    const read = this._port.lastRead();
    // The screen went busy after the request: the user's own hooks (or rules) answered it.
    if (read !== undefined && read.state === 'busy' && read.at > pending.at) return;
    this._raise(pending.details, pending.details.command !== undefined ? `${pending.details.tool_name}: ${pending.details.command}` : pending.details.tool_name);
  }

  /** A `permission_prompt` notification: the dialog is still open. Raised now if nothing shows it. */
  private _stillWaiting(message: string): void {
    if (this._pending !== undefined || this._port.live() !== undefined) return;
    const details = this._lastRequest;
    this._raise(details, details ? (details.command !== undefined ? `${details.tool_name}: ${details.command}` : details.tool_name) : message);
  }

  private _raise(details: HookDetails | undefined, content: string): void {
    const options = this._port.hookOptions() ?? [];
    const deny = options.find((option) => option.role === 'deny');
    this._raisedFor = details;
    this._port.raise({
      waitType: 'tool_approval',
      ...(details ? { toolName: details.tool_name, hook: details } : {}),
      content,
      options: options.map((option) => ({ id: option.id, label: option.label, keys: option.keys, role: option.role })),
      ...(deny ? { cancelKeys: deny.keys } : {}),
      acceptsText: false,
      source: 'hook',
    });
    this._port.drift('hook_without_screen', `PermissionRequest ${details?.tool_name ?? ''}`.trim());
  }

  /** A tool finished: the request for it was answered (by the user's hooks, rules, or the dialog). */
  private _toolDone(tool: { readonly name: string; readonly command?: string } | undefined): void {
    const answers = (details: HookDetails | undefined) =>
      details !== undefined && tool !== undefined && tool.name === details.tool_name && (tool.command === undefined || details.command === undefined || tool.command === details.command);
    if (answers(this._pending?.details)) this._cancelPending();
    if (this._raisedFor !== undefined && answers(this._raisedFor)) {
      this._raisedFor = undefined;
      this._port.clearHookPrompt('agent_resumed');
    }
  }

  /** A screen prompt after a turn or a decision: hooks should have spoken by now (once per session). */
  private _checkSilence(): void {
    if (this._heard || this._silentReported || this._silenceCheck !== undefined) return;
    this._silenceCheck = this._port.clock.setTimeout(() => {
      this._silenceCheck = undefined;
      if (this._heard || this._silentReported) return;
      this._silentReported = true;
      this._port.drift('hooks_silent', 'no hook reached the daemon by the first turn');
    }, HOOK_GRACE_MS);
  }

  private _cancelPending(): void {
    this._pending?.timer.dispose();
    this._pending = undefined;
  }
}
