/**
 * Session: one PTY process, its detection pipeline, its per-session seq and a byte-bounded
 * event history for clients resuming with `since`. Flow control pauses the PTY while the
 * headless screen has too much unparsed output and resumes it from write callbacks. At exit
 * the terminal is freed and a small final record (last screen, exit code, last events) stays.
 */
import { Disposable, DisposableStore, Emitter, isSequenced, TetherError, toDisposable } from '../common/index.js';
import type { AgentEvent, ApprovalRule, ClearCause, CliType, IClock, IDriftSink, InputBox, SessionActivity, SessionEvent, SessionInfo, SessionStatus, WaitType } from '../common/index.js';
import type { AgentWitnesses } from '../../parsers/index.js';
import { SessionVoice, tokenMatches, type PreparedVoice } from './sessionVoice.js';
import { EventHistory } from './eventHistory.js';
import { DetectionPipeline } from './detectionPipeline.js';
import type { KeyStep } from './answerMapper.js';
import { pipelineLandingPort, sendKeys, settleBeforeKeys } from './answerLanding.js';
import type { KeyAnswer } from './answerLanding.js';
import { PtyProcess } from './ptyProcess.js';
import type { IPtyHandle } from './ptyHandle.js';
import { DEFAULT_SESSION_LIMITS, finalRecord } from './sessionRecord.js';
import type { FinalRecord, SessionLimits } from './sessionRecord.js';
import { pipelineTypingPort, typeAndWatch } from './typedSubmit.js';
import type { TypedText } from './typedSubmit.js';

/** Pause the PTY above this many unparsed bytes (xterm drops data past 50 MB). */
const HIGH_WATER_BYTES = 1 << 20;
/** Resume it below this. */
const LOW_WATER_BYTES = 1 << 18;
/**
 * Longest wait for the screen to apply the output still pending at exit before reporting it (ms).
 * The PTY delivers every byte before exit (see PtyProcess) and at most HIGH_WATER_BYTES wait for
 * the screen, which parses that in well under a second; the bound only guards a wedged screen.
 */
const EXIT_FLUSH_MS = 10_000;
/**
 * Seqs leased to a hosted PTY at a time: the host keeps the highest lease, and a daemon that
 * re-attaches starts above it, so seqs keep going up across a restart (a block per 5000 events).
 */
const SEQ_LEASE_BLOCK = 10_000;

/** What a session re-attached to a running (or just exited) agent starts from. */
export interface SessionResume {
  /** The agent's terminal, already running (a session host's client). */
  readonly pty: IPtyHandle;
  /** Rebuilds the screen before live output: a serialised screen (if any), then the output after it. */
  readonly replay: { readonly checkpoint: string | undefined; readonly output: string };
  /** The highest seq issued before; the session's events start above it. */
  readonly afterSeq: number;
  /** ISO 8601 time the session was first created. */
  readonly createdAt: string;
}
/** What a session is started with. */
export interface SessionSpec {
  readonly id: string;
  readonly name: string;
  readonly file: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly cols: number;
  readonly rows: number;
  readonly env: Record<string, string>;
  readonly cli: CliType | 'auto';
  readonly clock: IClock;
  readonly limits?: SessionLimits;
  /** The CLI's version when known at start (its package); else read from its banner. */
  readonly cliVersion?: string;
  /** Where drift is reported (fallback prompts, unverified versions). */
  readonly drift?: IDriftSink;
  /** The agent's terminal when it is not spawned here: a session host's (absent: a PtyProcess in this process). */
  readonly pty?: IPtyHandle;
  /** Set when re-attaching to an agent that outlived a daemon. */
  readonly resume?: SessionResume;
  /** The expiry rule of decision prompts (`approvals`), read when each prompt appears. */
  readonly approvalRule?: (waitType: WaitType, cliType: CliType) => ApprovalRule | undefined;
  /** The agent's own witnesses (hooks injected by prepareVoice, transcript), when its CLI has them. */
  readonly voice?: {
    readonly witnesses: AgentWitnesses;
    readonly prepared: PreparedVoice;
    readonly home: string;
    /** A turn ended: true when another part reports it (AgentVoiceOptions.turnEnded). */
    readonly turnEnded?: (status: 'ok' | 'error') => boolean;
  };
  /** Test only: the screen reads no prompts (neither the CLI's parser nor the fallback reader): they come from hooks alone. */
  readonly parserOff?: boolean;
  /** Where skipped agent input (bad transcript lines) is logged. */
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
}

/** What a session needs only while its process runs; freed at exit. */
interface Running {
  readonly pipeline: DetectionPipeline;
  readonly pty: IPtyHandle;
  readonly store: DisposableStore;
  readonly voice: SessionVoice | undefined;
}

/** One agent CLI: running, then (after exit) a small final record. */
export class Session extends Disposable {
  private _running: Running | undefined;
  private _final: FinalRecord | undefined;
  private _pid = 0;
  private _name: string;
  private _args: readonly string[];
  private _conversationId: string | undefined;
  /** True once Tether asked the process to stop (close, delete, dispose): its exit is no failure. */
  private _killRequested = false;
  private readonly _limits: SessionLimits;
  private _seq = 0;
  /** The highest seq leased to the PTY's host (SEQ_LEASE_BLOCK). */
  private _leased = 0;
  /** Let go of the agent without ending it (the daemon stops; a host keeps it). */
  private _detached = false;
  /** Seq of the last output the screen has applied. */
  private _screenSeq = 0;
  private _status: 'running' | 'exited' = 'running';
  private _exitCode: number | null = null;
  private _cols: number;
  private _rows: number;
  private _pendingBytes = 0;
  private _paused = false;
  /** The answer steps being written; the next call's steps wait for it. */
  private _writing: Promise<void> = Promise.resolve();
  private readonly _history: EventHistory;
  private readonly _createdAt: string;
  private _updatedAt: string;

  private readonly _onDidNameConversation = this._register(new Emitter<string>());
  /** The agent's SessionStart named (or renamed) its conversation: `conversationId` is now that. */
  readonly onDidNameConversation = this._onDidNameConversation.event;
  private readonly _onEvent = this._register(new Emitter<SessionEvent>());
  readonly onEvent = this._onEvent.event;
  private readonly _onInputBox = this._register(new Emitter<InputBox>());
  /** The draft in the idle input box changed (as read at each evaluation). */
  readonly onInputBox = this._onInputBox.event;
  private readonly _onActivity = this._register(new Emitter<SessionActivity>());
  /** The status, busy line or todo progress read off the screen changed (across resumes). */
  readonly onActivity = this._onActivity.event;

  /** @throws TetherError SPAWN_FAILED when node-pty cannot start the process */
  constructor(private readonly _spec: SessionSpec) {
    super();
    this._cols = _spec.cols;
    this._rows = _spec.rows;
    this._name = _spec.name;
    this._conversationId = _spec.voice?.prepared.conversationId;
    this._args = _spec.args;
    this._limits = _spec.limits ?? DEFAULT_SESSION_LIMITS;
    this._history = new EventHistory(this._limits.historyBytes);
    this._createdAt = _spec.resume?.createdAt ?? new Date(_spec.clock.now()).toISOString();
    this._updatedAt = new Date(_spec.clock.now()).toISOString();
    this._seq = this._leased = _spec.resume?.afterSeq ?? 0;
    this._start(_spec.args, true);
    this._register(toDisposable(() => this._status === 'running' && !this._detached && this.kill()));
    this._register(toDisposable(() => this._free()));
  }

  /**
   * Starts the process with `args` and a fresh screen, parser and detector. The first start
   * takes the spec's terminal (a session host's, or one re-attached after a daemon restart);
   * a later one (resume) spawns the CLI in this process.
   * @throws TetherError SPAWN_FAILED
   */
  private _start(args: readonly string[], first: boolean): void {
    const spec = this._spec;
    const store = new DisposableStore();
    const pipeline = store.add(
      new DetectionPipeline({
        sessionId: spec.id,
        cli: spec.cli,
        cols: this._cols,
        rows: this._rows,
        clock: spec.clock,
        nextSeq: () => this._nextSeq(),
        ...(spec.cliVersion !== undefined ? { cliVersion: spec.cliVersion } : {}),
        ...(spec.drift ? { drift: spec.drift } : {}),
        ...(spec.approvalRule ? { approvalRule: spec.approvalRule } : {}),
        ...(spec.parserOff ? { parserOff: true, fallback: false } : {}),
        ...(first && spec.voice ? { hooksExpected: true } : {}),
      }),
    );
    let pty: IPtyHandle;
    try {
      const given = first ? (spec.resume?.pty ?? spec.pty) : undefined;
      // Tether's hook arguments go before the user's at the first start (a resumed restart runs without hooks).
      const spawnArgs = first ? [...(spec.voice?.prepared.args ?? []), ...args] : args;
      pty = store.add(given ?? new PtyProcess({ file: spec.file, args: spawnArgs, cols: this._cols, rows: this._rows, cwd: spec.cwd, env: spec.env }));
    } catch (err) {
      store.dispose();
      throw err;
    }
    this._pid = pty.pid;
    this._args = args;
    const voice = first && spec.voice ? store.add(this._createVoice(spec.voice)) : undefined;
    this._running = { pipeline, pty, store, voice };
    store.add(pipeline.onEvent((event) => this._emit(event)));
    store.add(pipeline.onReply((reply) => this._writePty(reply)));
    store.add(pipeline.onInputBox((box) => this._onInputBox.fire(box)));
    store.add(pipeline.onActivity((activity) => this._onActivity.fire(activity)));
    store.add(pty.onData((data) => this._onData(data)));
    store.add(pty.onExit(({ exitCode, signal }) => void this._onExit(signal ? 128 + signal : exitCode)));
    this._lease();
    if (first && spec.resume) this._replay(spec.resume.replay);
    pty.start?.();
  }

  /**
   * Lets go of the agent without ending it: a hosted agent keeps running for the next daemon; an
   * in-process one is killed as on dispose. The session is disposed either way.
   */
  detach(): void {
    if (this._running?.pty.detach) {
      this._detached = true;
      this._running.voice?.keepRunDir();
      this._running.pty.detach();
    }
    this.dispose();
  }

  /**
   * Starts the exited session's command again with `args` (its CLI's resume flag), in this
   * session: same id, seq going on, a fresh screen.
   * @throws TetherError NOT_RESUMABLE while it still runs | SPAWN_FAILED
   */
  restart(args: readonly string[]): void {
    if (this._status === 'running' || this._running !== undefined) throw new TetherError('NOT_RESUMABLE', `session ${this.id} is still running`);
    this._start(args, false);
    this._status = 'running';
    this._exitCode = null;
    this._killRequested = false;
    this._final = undefined;
    this._history.setLimit(this._limits.historyBytes);
    this._touch();
  }

  /** The command's original arguments (what a resume appends to the CLI's resume flag). */
  get baseArgs(): readonly string[] {
    return this._spec.args;
  }

  /** The display name. */
  get name(): string {
    return this._name;
  }

  /** Renames the session (a display name; trimmed by the caller). */
  rename(name: string): void {
    this._name = name;
    this._touch();
  }

  /** The CLI's own conversation id, once known. */
  get conversationId(): string | undefined {
    return this._conversationId;
  }

  /** Records the CLI's conversation id; returns false when it is unchanged. */
  setConversationId(conversationId: string): boolean {
    if (this._conversationId === conversationId) return false;
    this._conversationId = conversationId;
    this._touch();
    return true;
  }

  /** Emits an event built with the next seq (approval expiry events), into the history like the pipeline's. */
  emitSequenced(build: (seq: number) => SessionEvent): void {
    this._emit(build(this._nextSeq()));
  }

  get id(): string {
    return this._spec.id;
  }

  /** `running` or `exited` (whether the exit counts as `failed` is `info().status`'s to say). */
  get status(): 'running' | 'exited' {
    return this._status === 'running' ? 'running' : 'exited';
  }

  /** `failed` when the process exited non-zero on its own (not by Tether's kill). */
  private _infoStatus(): SessionStatus {
    if (this._status === 'running') return 'running';
    return this._exitCode !== 0 && this._exitCode !== null && !this._killRequested ? 'failed' : 'exited';
  }

  get seq(): number {
    return this._seq;
  }

  /**
   * The screen, parser and detector of the running session.
   * @throws TetherError SESSION_EXITED once the session exited and freed its terminal
   */
  get pipeline(): DetectionPipeline {
    if (!this._running) throw new TetherError('SESSION_EXITED', `session ${this.id} has exited`);
    return this._running.pipeline;
  }

  /** The CLI whose parser reads (or read) the screen. */
  get cliType(): CliType {
    return this._running?.pipeline.cliType ?? this._final?.cliType ?? 'generic';
  }

  /** The CLI's version, once known (package at start, or banner). */
  get cliVersion(): string | undefined {
    return this._running ? this._running.pipeline.cliVersion : this._final?.cliVersion;
  }

  /** True when `token` is this session's hook secret (it stays valid after exit, so late hooks get SESSION_EXITED). */
  hookTokenMatches(token: string | undefined): boolean {
    const secret = this._spec.voice?.prepared.token;
    return secret !== undefined && tokenMatches(token, secret);
  }

  /**
   * Takes one hook payload of the session's CLI (its raw JSON).
   * @returns the agent events it said (none for payloads Tether does not use)
   * @throws TetherError SESSION_EXITED once the session exited
   */
  postHook(payload: unknown): readonly AgentEvent[] {
    const running = this._running;
    if (!running || this._status === 'exited') throw new TetherError('SESSION_EXITED', `session ${this.id} has exited`);
    return running.voice?.hook(payload) ?? [];
  }

  /** Typed text a client named (`client_msg_id`): the agent's user message for it will carry the id. @throws never */
  expectUserMessage(text: string, clientMsgId: string): void {
    this._running?.voice?.voice.expectUserMessage(text, clientMsgId);
  }

  /** The live prompt, if the session is running and waiting. */
  get live() {
    return this._running?.pipeline.live;
  }

  /** What the session is doing now (`exited` once it has). */
  get activity(): SessionActivity {
    const activity = this._running?.pipeline.activity ?? this._final?.activity;
    return activity ?? { session_id: this.id, status: 'exited', since: this._updatedAt };
  }

  /**
   * The seq the serialised screen is as of: output is parsed after its `pty_output` went out,
   * so while some is pending the screen lags `seq`; the output after it is in the history.
   */
  get screenSeq(): number {
    return this._pendingBytes > 0 ? this._screenSeq : this._seq;
  }

  /** The serialised screen: live, or the final record's after exit. */
  serializeScreen(): string {
    return this._running?.pipeline.screen.serialize() ?? this._final?.screen ?? '';
  }

  /** The session as clients see it. */
  info(): SessionInfo {
    const live = this.live;
    const cliVersion = this.cliVersion;
    return {
      id: this._spec.id,
      name: this._name,
      cli_type: this.cliType,
      ...(cliVersion !== undefined ? { cli_version: cliVersion } : {}),
      command: this._spec.command,
      args: this._args,
      cwd: this._spec.cwd,
      cols: this._cols,
      rows: this._rows,
      status: this._infoStatus(),
      exit_code: this._exitCode,
      created_at: this._createdAt,
      updated_at: this._updatedAt,
      waiting: live ? { prompt_id: live.event.prompt_id, wait_type: live.event.wait_type } : null,
      ...(this._conversationId !== undefined ? { conversation_id: this._conversationId } : {}),
    };
  }

  /** Events with seq > `since`, or undefined when the history no longer reaches back that far. */
  eventsSince(since: number): SessionEvent[] | undefined {
    return this._history.since(since, this._seq);
  }

  /**
   * Writes user input: it clears a live prompt unless it is only terminal replies (which are dropped: the headless screen answers queries).
   * @returns true when `data` was user input (and written)
   * @throws TetherError SESSION_EXITED
   */
  writeInput(data: string): boolean {
    if (!this.pipeline.input(data)) return false;
    this._writePty(data);
    return true;
  }

  /**
   * Writes answer steps for `promptId`, marking it answered first with `response` (its keys,
   * or `input`) and `cause` (`answered`, or `timed_out` for an expiry's deny). Steps of one call
   * run after those of the calls before it (answers never interleave); typed text waits until it
   * shows and its submission is checked (typedSubmit.ts). With `landing` (an answer to a dialog),
   * the keys wait until the dialog settled, and keys alone are watched until the screen shows them
   * taken, sent once more if not, and the prompt is reported again when they never are
   * (answerLanding.ts); the call resolves once the first keys are written.
   * @throws TetherError SESSION_EXITED | PROMPT_CHANGED (the screen no longer shows the prompt the
   *   text is for) | INPUT_NOT_ECHOED (typed text never showed; not submitted)
   */
  async writeSteps(promptId: string, steps: readonly KeyStep[], response?: string, cause?: ClearCause, landing?: KeyAnswer): Promise<void> {
    this.pipeline.answered(promptId, response, cause);
    if (landing === undefined) {
      const run = this._writing.then(() => this._runSteps(steps));
      this._writing = run.catch(() => undefined);
      return run;
    }
    // A dialog's answer: keys only once it settled; keys alone are then watched until the screen
    // shows them taken (answerLanding.ts), and a dialog that refused them twice is reported again.
    const port = pipelineLandingPort(this.pipeline, () => this._status === 'exited' || this._running === undefined);
    const keysOnly = steps.every((step) => !('type' in step));
    const sent = this._writing.then(async () => {
      if (!keysOnly) {
        await settleBeforeKeys(port, landing.settleMs);
        await this._runSteps(steps);
        return undefined;
      }
      return sendKeys(port, steps, landing, (keys) => this._runSteps(keys));
    });
    this._writing = sent
      .then(async (watch) => {
        if (watch !== undefined && (await watch()) === 'refused' && !port.closed()) this.pipeline.typingFailed();
      })
      .catch(() => undefined);
    await sent;
  }

  private async _runSteps(steps: readonly KeyStep[]): Promise<void> {
    for (const step of steps) {
      if (this._status === 'exited') return;
      if ('write' in step) this._writePty(step.write);
      else if ('type' in step) await this._type(step.type);
      else await new Promise((resolve) => setTimeout(resolve, step.pauseMs));
    }
  }

  /**
   * Types text and submits it (typedSubmit.ts); when that is refused, the prompt on screen is
   * reported again and the error passes on.
   * @throws TetherError PROMPT_CHANGED | INPUT_NOT_ECHOED
   */
  private async _type(text: TypedText): Promise<void> {
    const pipeline = this.pipeline;
    const closed = () => this._status === 'exited' || this._running === undefined;
    try {
      await typeAndWatch(pipelineTypingPort(pipeline, (data) => this._writePty(data), closed), text, () => this._running?.pipeline.submitted());
    } catch (error) {
      if (!closed()) pipeline.typingFailed();
      throw error;
    }
  }

  /**
   * Resizes the PTY and screen (cells/rows).
   * @throws TetherError SESSION_EXITED
   */
  resize(cols: number, rows: number): void {
    const pipeline = this.pipeline;
    this._cols = cols;
    this._rows = rows;
    this._running?.pty.resize(cols, rows);
    pipeline.resize(cols, rows);
    this._touch();
  }

  /** SIGTERM, then SIGKILL after the grace period (SessionLimits.killGraceMs), to the PTY's process group. */
  kill(): void {
    const running = this._running;
    if (this._status !== 'running' || running === undefined) return;
    this._killRequested = true;
    const pid = this._pid;
    const signal = (sig: NodeJS.Signals) => {
      try {
        // A pid ≤ 0 would name our own process group (or every process): never signal it.
        if (pid <= 0) throw new Error('no process group');
        process.kill(-pid, sig);
      } catch {
        running.pty.kill(sig);
      }
    };
    signal('SIGTERM');
    // Only this process: a session resumed within the grace period runs another one.
    const timer = setTimeout(() => this._running === running && this._status === 'running' && signal('SIGKILL'), this._limits.killGraceMs);
    timer.unref();
  }

  /** The next seq, leasing a new block from the PTY's host halfway through the current one. */
  private _nextSeq(): number {
    this._seq++;
    if (this._seq + SEQ_LEASE_BLOCK / 2 > this._leased) this._lease();
    return this._seq;
  }

  private _lease(): void {
    const pty = this._running?.pty;
    if (!pty?.lease) return;
    this._leased = this._seq + SEQ_LEASE_BLOCK;
    pty.lease(this._leased);
  }

  /** Rebuilds the screen from a host's replay; its output counts as pending, so exit waits for it. */
  private _replay(replay: SessionResume['replay']): void {
    const running = this._running!;
    const text = (replay.checkpoint ?? '') + replay.output;
    if (text === '') return;
    this._pendingBytes += text.length;
    running.pipeline.write(text, () => {
      this._pendingBytes -= text.length;
      this._screenSeq = this._seq;
    });
  }

  private _writePty(data: string): void {
    if (this._status === 'exited') return;
    try {
      this._running?.pty.write(data);
    } catch {
      // The PTY closed under us; onExit reports it.
    }
  }

  private _onData(data: string): void {
    const running = this._running;
    if (!running) return;
    this._pendingBytes += data.length;
    if (!this._paused && this._pendingBytes > HIGH_WATER_BYTES) {
      this._paused = true;
      running.pty.pause();
    }
    const seq = this._nextSeq();
    this._emit({ type: 'pty_output', session_id: this.id, seq, data });
    running.pipeline.write(data, () => {
      this._screenSeq = seq;
      this._pendingBytes -= data.length;
      // A checkpoint is best taken with everything written applied and at a line end (no escape sequence open).
      const atBoundary = this._pendingBytes === 0 && data.endsWith('\n');
      if (running.pty.applied?.(data.length, atBoundary) && !this.isDisposed) running.pty.checkpoint?.(running.pipeline.screen.serialize());
      if (this._paused && this._pendingBytes < LOW_WATER_BYTES) {
        this._paused = false;
        running.pty.resume();
      }
    });
  }

  private async _onExit(exitCode: number): Promise<void> {
    await this._applied(EXIT_FLUSH_MS);
    const running = this._running;
    if (this.isDisposed || !running) return;
    // Exiting non-zero on its own ends an open turn as failed.
    if (exitCode !== 0 && !this._killRequested) running.voice?.voice.ended('error');
    running.pipeline.exited();
    this._status = 'exited';
    this._exitCode = exitCode;
    this._touch();
    this._final = finalRecord(running.pipeline);
    this._free();
    this._history.setLimit(this._limits.exitedHistoryBytes);
    this._emit({ type: 'session_closed', session_id: this.id, seq: this._nextSeq(), exit_code: exitCode });
  }

  /**
   * Resolves once the screen has applied every write so far (an empty write's callback comes after
   * theirs), or after `timeoutMs` (a wedged or disposed screen). @throws never
   */
  private _applied(timeoutMs: number): Promise<void> {
    const pipeline = this._running?.pipeline;
    if (this._pendingBytes === 0 || pipeline === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      pipeline.write('', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private _createVoice(voice: NonNullable<SessionSpec['voice']>): SessionVoice {
    return new SessionVoice({
      sessionId: this._spec.id,
      clock: this._spec.clock,
      nextSeq: () => ++this._seq,
      emit: (event) => this._emit(event),
      witnesses: voice.witnesses,
      prepared: voice.prepared,
      home: voice.home,
      cwd: this._spec.cwd,
      ...(voice.turnEnded ? { turnEnded: voice.turnEnded } : {}),
      onSkip: (reason) => this._spec.log?.('agent input skipped', { session_id: this._spec.id, reason }),
      holdTurnEnd: () => {
        const waitType = this.live?.event.wait_type;
        return waitType !== undefined && waitType !== 'awaiting_response';
      },
      onEvents: (events) => {
        for (const event of events) this._running?.pipeline.evidence(event);
      },
      onConversation: (conversationId) => {
        this._conversationId = conversationId;
        this._onDidNameConversation.fire(conversationId);
      },
    });
  }

  /** Disposes the terminal, parser and PTY handle; the final record stays. */
  private _free(): void {
    const running = this._running;
    this._running = undefined;
    running?.store.dispose();
  }

  private _touch(): void {
    this._updatedAt = new Date(this._spec.clock.now()).toISOString();
  }

  private _emit(event: SessionEvent): void {
    if (isSequenced(event)) this._history.push(event);
    if (event.type === 'waiting_for_input' || event.type === 'waiting_cleared') this._touch();
    this._onEvent.fire(event);
  }
}
