/**
 * Autoplay: when a session's agent shows its idle input (`awaiting_response`, nothing else up)
 * and nobody typed into the session for DESK_QUIET_MS, types the next queued prompt and
 * submits it (sendInput waits for the echo and presses Enter once more when the CLI took it as a
 * newline, core/typedSubmit.ts), then checks that a turn started (the agent went busy, or its
 * input box emptied). The turn's end (the next idle prompt, or `turnEnded` from the agent's
 * hooks) completes the interaction. Pauses, saying why, on an error, desk input, exit, a prompt
 * that would not submit, and an empty queue. It never types into a dialog.
 */
import { Disposable, TetherError } from '../common/index.js';
import type { Event, IClock, IDisposable, SessionActivity, SessionEvent } from '../common/index.js';
import type { AutoplayPauseReason, AutoplayState, InteractionStatus } from '../common/queue.js';
import type { PromptQueue } from './promptQueue.js';
import type { ISessionService } from './sessionService.js';

/** Quiet time after someone typed into a session before autoplay types there (ms): a person at the desk goes first. */
export const DESK_QUIET_MS = 5_000;
/**
 * Time after sendInput returns for the typed prompt to have left the input box (ms): sendInput
 * has already checked the submission and pressed Enter again if needed; a prompt still in the
 * box after this failed to submit. Claude Code 2.1.197 shows its spinner within about a second.
 */
export const SUBMIT_CHECK_MS = 3_000;

/** Characters (whitespace aside) a user message and a typed prompt must share at their start to be the same prompt. */
const PROMPT_MATCH_CHARS = 60;

/** The mark agentVoice's `cut` puts after a message it shortened. */
const CUT_MARK = /…\[truncated \d+ characters\]$/u;

/** True when a user message (possibly cut, or with newlines sent as spaces) shows the prompt `typed`. */
function samePrompt(typed: string, message: string): boolean {
  const key = (text: string) => text.replace(/\s+/g, '').slice(0, PROMPT_MATCH_CHARS);
  const kept = message.replace(CUT_MARK, '');
  return kept === message ? key(typed) === key(message) : kept.trim() !== '' && key(typed).startsWith(key(kept));
}

/** What autoplay watches and drives (SessionManager provides all of it). */
export interface AutoplayHost {
  readonly sessions: ISessionService;
  /** Busy/idle changes read off the screen. */
  readonly onActivity: Event<SessionActivity>;
  /** Input (not terminal replies, not prompt answers) was written to a session's PTY. */
  readonly onDidInput: Event<{ readonly session_id: string }>;
  /** The draft in the session's input box ('' when empty); undefined when the CLI's box cannot be read. */
  inputDraft(sessionId: string): string | undefined;
}

/** The prompt autoplay is running in a session. */
interface Run {
  readonly interactionId: string;
  /** `submitting` until the turn is seen to start. */
  phase: 'submitting' | 'running';
  /** An idle prompt that appeared while submitting (a turn may finish before it is seen busy). */
  idlePromptId?: string;
  /** The prompt typed (its turn's user message identifies the agent's own turn end). */
  readonly text: string;
  /**
   * The agent's witness (hook, transcript) showed this prompt as a user message: from then on a
   * turn end it reports is this prompt's. Before it, one is the previous turn's, arriving late.
   */
  promptSeen?: boolean;
  /** Why a failed run pauses autoplay (default `turn_error`). */
  failure?: AutoplayPauseReason;
  timer?: IDisposable;
}

/** Drives every session's autoplay over its PromptQueue. */
export class Autoplay extends Disposable {
  private readonly _runs = new Map<string, Run>();
  private readonly _lastInput = new Map<string, number>();
  private readonly _waits = new Map<string, IDisposable>();
  /** Sessions autoplay is typing into right now: their input events are its own. */
  private readonly _typing = new Set<string>();
  /** Sessions with a start check queued (see _tryStart). */
  private readonly _pending = new Set<string>();

  constructor(
    private readonly _host: AutoplayHost,
    private readonly _queue: PromptQueue,
    private readonly _clock: IClock,
  ) {
    super();
    this._register(_host.sessions.onEvent((event) => this._onSessionEvent(event)));
    this._register(_host.onActivity((activity) => activity.status === 'busy' && this._started(activity.session_id)));
    this._register(_host.onDidInput(({ session_id }) => this._onInput(session_id)));
    this._register(
      _queue.onMessage((message) => {
        // Ended elsewhere (submit-result, a hook): after every listener has seen it.
        if (message.type === 'interaction_completed') queueMicrotask(() => this._ended(message.session_id, message.interaction_id, message.status));
        else if (message.type === 'queue_updated' && message.autoplay.paused_reason === 'queue_empty') this._tryStart(message.session_id);
      }),
    );
    this._register({
      dispose: () => {
        for (const run of this._runs.values()) run.timer?.dispose();
        for (const wait of this._waits.values()) wait.dispose();
      },
    });
  }

  /**
   * Switches a session's autoplay; switching it on clears a pause and, when the agent sits at
   * its idle prompt, starts the queue at once.
   * @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED (switching on) | STORE_WRITE_FAILED
   */
  setEnabled(sessionId: string, enabled: boolean): AutoplayState {
    const session = this._host.sessions.get(sessionId);
    if (enabled && session.status === 'exited') throw new TetherError('SESSION_EXITED', `session ${sessionId} has exited; autoplay cannot type into it`);
    this._queue.setAutoplay(sessionId, { enabled, paused_reason: null });
    if (enabled) this._tryStart(sessionId);
    return this._queue.autoplay(sessionId);
  }

  /**
   * The agent's own witness (a hook's Stop / turn end) says a turn ended. It ends the running
   * prompt only once the witness has shown that prompt as a user message: a turn end that comes
   * before it is the previous turn's, late (a hook slower than the screen's idle prompt, after
   * which the next prompt was already typed), and the screen's return to idle ends the run instead.
   * @throws never (nothing happens when autoplay runs nothing there)
   */
  turnEnded(sessionId: string, status: InteractionStatus): void {
    const run = this._runs.get(sessionId);
    if (run?.promptSeen === true) this._complete(sessionId, run, status);
  }

  private _onSessionEvent(event: SessionEvent): void {
    if (event.type === 'session_closed') {
      const run = this._runs.get(event.session_id);
      if (run !== undefined) {
        run.failure = 'session_exited';
        this._complete(event.session_id, run, 'error');
      }
      this._queue.pause(event.session_id, 'session_exited');
      return;
    }
    if (event.type === 'new_message') {
      const run = this._runs.get(event.session_id);
      if (run !== undefined && event.role === 'user' && samePrompt(run.text, event.content)) run.promptSeen = true;
      return;
    }
    if (event.type !== 'waiting_for_input') return;
    const run = this._runs.get(event.session_id);
    if (run === undefined) return this._tryStart(event.session_id);
    const idle = event.wait_type === 'awaiting_response';
    if (run.phase === 'submitting') {
      if (idle && event.after_turn !== true) {
        run.idlePromptId = event.prompt_id;
        return;
      }
      run.phase = 'running';
    }
    if (idle) this._complete(event.session_id, run, 'ok');
  }

  private _onInput(sessionId: string): void {
    if (this._typing.has(sessionId)) return;
    this._lastInput.set(sessionId, this._clock.now());
    // Answering a dialog at the desk is not taking over the session; typing at the idle box or into a turn is.
    const waiting = this._host.sessions.currentWaiting(sessionId);
    if (waiting !== undefined && waiting.wait_type !== 'awaiting_response') return;
    this._queue.pause(sessionId, 'desk_input');
  }

  private _started(sessionId: string): void {
    const run = this._runs.get(sessionId);
    if (run?.phase === 'submitting') run.phase = 'running';
  }

  /**
   * Looks at starting once the current event has reached every listener (typing clears the
   * idle prompt, and clients must see it appear before it clears).
   */
  private _tryStart(sessionId: string): void {
    if (this._pending.has(sessionId)) return;
    this._pending.add(sessionId);
    queueMicrotask(() => {
      this._pending.delete(sessionId);
      if (!this.isDisposed) this._startNow(sessionId);
    });
  }

  /** Types the next prompt when everything allows it; otherwise waits, pauses or does nothing. */
  private _startNow(sessionId: string): void {
    const autoplay = this._queue.autoplay(sessionId);
    if (!autoplay.enabled || this._runs.has(sessionId) || this._queue.running(sessionId) !== undefined) return;
    let status: string;
    try {
      status = this._host.sessions.get(sessionId).status;
    } catch {
      return;
    }
    if (status === 'exited') return this._queue.pause(sessionId, 'session_exited');
    if (this._host.sessions.currentWaiting(sessionId)?.wait_type !== 'awaiting_response') return;
    if (this._queue.peek(sessionId) === undefined) return this._queue.pause(sessionId, 'queue_empty');
    const quietLeft = (this._lastInput.get(sessionId) ?? -Infinity) + DESK_QUIET_MS - this._clock.now();
    if (quietLeft > 0) return this._waitThenTry(sessionId, quietLeft);
    try {
      this._queue.setAutoplay(sessionId, { enabled: true, paused_reason: null });
      const item = this._queue.take(sessionId, 'autoplay');
      if (item?.interaction_id === undefined) return;
      const run: Run = { interactionId: item.interaction_id, text: item.text, phase: 'submitting' };
      this._runs.set(sessionId, run);
      this._type(sessionId, run, item.text);
    } catch {
      // The disk refused the change: nothing was taken; the next idle prompt tries again.
    }
  }

  private _waitThenTry(sessionId: string, ms: number): void {
    this._waits.get(sessionId)?.dispose();
    this._waits.set(
      sessionId,
      this._clock.setTimeout(() => {
        this._waits.delete(sessionId);
        this._startNow(sessionId);
      }, ms),
    );
  }

  /** Types and submits `text`, and checks the turn started SUBMIT_CHECK_MS after. */
  private _type(sessionId: string, run: Run, text: string): void {
    this._typing.add(sessionId);
    let typed: Promise<void>;
    try {
      typed = this._host.sessions.sendInput(sessionId, text);
    } catch (err) {
      typed = Promise.reject(err);
    } finally {
      this._typing.delete(sessionId);
    }
    typed.then(
      () => {
        if (this._runs.get(sessionId) === run) run.timer = this._clock.setTimeout(() => this._check(sessionId, run), SUBMIT_CHECK_MS);
      },
      () => {
        // PROMPT_CHANGED (a dialog took the screen), INPUT_NOT_ECHOED, SESSION_EXITED: nothing went in.
        run.failure ??= 'not_submitted';
        this._complete(sessionId, run, 'error');
      },
    );
  }

  /**
   * SUBMIT_CHECK_MS after typing, no busy screen or dialog was seen: a prompt still in the input
   * box failed to submit; otherwise it went in (a turn too quick to be seen busy is already over
   * when an idle prompt came back meanwhile).
   */
  private _check(sessionId: string, run: Run): void {
    if (this._runs.get(sessionId) !== run || run.phase !== 'submitting') return;
    if ((this._host.inputDraft(sessionId) ?? '') !== '') {
      run.failure = 'not_submitted';
      return this._complete(sessionId, run, 'error');
    }
    run.phase = 'running';
    const idle = this._host.sessions.currentWaiting(sessionId);
    if (run.idlePromptId !== undefined && idle?.prompt_id === run.idlePromptId) this._complete(sessionId, run, 'ok');
  }

  private _complete(sessionId: string, run: Run, status: InteractionStatus): void {
    try {
      this._queue.complete(sessionId, run.interactionId, status);
    } catch {
      // Already ended elsewhere (submit-result, a hook), or the disk refused: the run is over either way.
    }
    this._ended(sessionId, run.interactionId, status);
  }

  /** An interaction ended (here, by a hook, or by submit-result): autoplay's run is over; go on or pause. */
  private _ended(sessionId: string, interactionId: string, status: InteractionStatus): void {
    const run = this._runs.get(sessionId);
    if (run === undefined || run.interactionId !== interactionId) return;
    run.timer?.dispose();
    this._runs.delete(sessionId);
    if (status === 'error') this._queue.pause(sessionId, run.failure ?? 'turn_error');
    else this._tryStart(sessionId);
  }
}
