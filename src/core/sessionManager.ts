/**
 * SessionManager: the ISessionService behind transport and push. It owns every Session,
 * multiplexes their events into one stream, and maps answers to keys from the screen as it
 * is at answer time, refusing answers to prompts that are no longer live.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import { Disposable, Emitter, TetherError } from '../common/index.js';
import type { ApprovalRule, CliType, DriftKind, IClock, IDriftSink, IHookSecretKeeper, PromptInfo, SessionActivity, SessionEvent, SessionInfo, TimeoutAction, WaitingForInputEvent, WaitType } from '../common/index.js';
import { mapAnswer, mapApproval, targetOf, typeAndSubmit } from './answerMapper.js';
import type { KeyStep } from './answerMapper.js';
import { DEFAULT_ANSWER_SETTLE_MS } from './answerLanding.js';
import type { KeyAnswer } from './answerLanding.js';
import { ApprovalTimer } from './approvalTimer.js';
import { InputStateReporter } from './inputState.js';
import { checkCwd, resolveCliType, resolveExecutable, sanitizedEnv } from './commandResolver.js';
import { Session } from './session.js';
import type { IPtyHost, ResumedSession } from './ptyHost.js';
import { DEFAULT_SESSION_LIMITS } from './sessionRecord.js';
import type { SessionLimits } from './sessionRecord.js';
import type { AnswerOptions, ApprovalResponse, CreateSessionOptions, InputOptions, ISessionActivitySource, ISessionService } from './sessionService.js';
import { systemClock } from './clocks.js';
import { packageOf } from './cliVersion.js';
import { detectCliFromCommand, getCli, submitDelayFor } from '../../parsers/index.js';
import { folderEnv, freeLoopbackPort, prepareVoice, type PreparedVoice, type VoiceEndpoint } from './sessionVoice.js';
import { rmSync } from 'node:fs';

/** Settings for new sessions. */
export interface SessionManagerOptions {
  readonly defaultCols?: number;
  readonly defaultRows?: number;
  /** Pause between typed text and the submitting `\r` (ms). */
  readonly submitDelayMs?: number;
  readonly clock?: IClock;
  /** Base environment (defaults to process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Running sessions at once; one more is refused with SESSION_LIMIT (default DEFAULT_MAX_RUNNING). */
  readonly maxRunning?: number;
  /** Exited sessions kept as final records; past this the oldest are removed (default DEFAULT_KEEP_EXITED). */
  readonly keepExited?: number;
  /** History and kill bounds of each session (defaults DEFAULT_SESSION_LIMITS). */
  readonly limits?: Partial<SessionLimits>;
  /** Where drift is reported (the daemon's DriftStore); absent: drift is not counted. */
  readonly drift?: IDriftSink;
  /** Starts agents in session hosts that outlive the daemon; absent: in this process. */
  readonly ptyHost?: IPtyHost;
  /**
   * Where the CLIs' hooks reach the daemon (known once it listens); absent or undefined: sessions
   * start without hooks and the screen is their only witness.
   */
  readonly voiceEndpoint?: () => VoiceEndpoint | undefined;
  /**
   * The agent's own witness says a session's turn ended: true when something else (the prompt
   * queue's autoplay) reports it, so the session does not send its own `interaction_completed`.
   */
  readonly turnEnded?: (sessionId: string, status: 'ok' | 'error') => boolean;
  /** Log sink for what sessions skip (bad hook or transcript input). */
  readonly log?: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
  /**
   * The expiry rule of a decision prompt of a CLI (the `approvals` config), asked when each
   * prompt appears, so a config reload applies to the next prompt. Absent: prompts never expire.
   */
  readonly approvals?: (waitType: WaitType, cliType: CliType) => ApprovalRule | undefined;
  /**
   * Where hosted sessions' hook secrets are kept across daemon restarts (the daemon's
   * HookSecretStore): a re-attached agent's hooks then still authenticate. Absent: not kept.
   */
  readonly hookSecrets?: IHookSecretKeeper;
  /** Test only: these CLIs' parsers read nothing (their prompts then come from hooks and the fallback reader). */
  readonly parserOff?: readonly string[];
}

/** The settings a config reload may change while sessions run (they apply to what comes next). */
export type LiveSessionOptions = Pick<SessionManagerOptions, 'defaultCols' | 'defaultRows' | 'submitDelayMs' | 'maxRunning' | 'keepExited' | 'limits'>;

/** The keys of the first write of answer steps: what `waiting_cleared.response` reports. */
function keysOf(steps: readonly KeyStep[]): string | undefined {
  for (const step of steps) if ('write' in step) return step.write;
  return undefined;
}

/** Default pause before `\r` after typed text (ms): Codex and Claude treat a fast Enter as a newline. */
const DEFAULT_SUBMIT_DELAY_MS = 150;
/** Running sessions at once: each holds a PTY, a child process tree and a 5000-line screen (~10 MB). */
export const DEFAULT_MAX_RUNNING = 32;
/** How long stopAll waits past the kill grace for the last exits (ms). */
const STOP_MARGIN_MS = 1000;
/** Exited sessions kept: a final record is tens of KB, so a day of sessions stays small. */
export const DEFAULT_KEEP_EXITED = 50;

/** All sessions of a daemon. */
export class SessionManager extends Disposable implements ISessionService, ISessionActivitySource {
  private readonly _sessions = new Map<string, Session>();
  private readonly _onEvent = this._register(new Emitter<SessionEvent>());
  readonly onEvent = this._onEvent.event;
  private readonly _onActivity = this._register(new Emitter<SessionActivity>());
  readonly onActivity = this._onActivity.event;
  private readonly _onDidRemoveSession = this._register(new Emitter<string>());
  /** A session was removed (closed after exit, or the oldest exited past `keepExited`); carries its id. */
  readonly onDidRemoveSession = this._onDidRemoveSession.event;
  private readonly _onDidInput = this._register(new Emitter<{ readonly session_id: string }>());
  /** `sendInput` wrote user input (typed text, or raw bytes that are not only terminal replies); answers do not count. */
  readonly onDidInput = this._onDidInput.event;
  private readonly _clock: IClock;
  /** Exited session ids, oldest exit first. */
  private readonly _exited = new Set<string>();
  /** Running sessions to remove once their process has exited (delete_session). */
  private readonly _deleteOnExit = new Set<string>();
  /** The device whose input reached each session last. */
  private readonly _senders = new Map<string, string>();
  private readonly _approvals: ApprovalTimer;
  private readonly _inputStates: InputStateReporter;
  private _options: SessionManagerOptions;

  constructor(options: SessionManagerOptions = {}) {
    super();
    this._options = options;
    this._clock = options.clock ?? systemClock;
    this._approvals = this._register(
      new ApprovalTimer({
        clock: this._clock,
        warnLeadMs: (event) => this._warnLeadMs(event),
        warn: (event) => this._warn(event),
        expire: (event) => this._expire(event),
      }),
    );
    this._inputStates = this._register(new InputStateReporter(this._clock, (id) => this._senders.get(id) ?? null, (event) => this._onEvent.fire(event)));
    this._register({ dispose: () => this._sessions.forEach((s) => s.dispose()) });
  }

  /** Applies reloaded settings: new sizes, pauses and limits hold for what comes next; running sessions keep theirs. */
  configure(options: LiveSessionOptions): void {
    this._options = { ...this._options, ...options };
  }

  list(): SessionInfo[] {
    return [...this._sessions.values()].map((s) => s.info());
  }

  get(sessionId: string): SessionInfo {
    return this._session(sessionId).info();
  }

  /** @throws TetherError SESSION_LIMIT | UNKNOWN_CLI | SPAWN_FAILED */
  async create(options: CreateSessionOptions): Promise<SessionInfo> {
    this._checkRunningLimit();
    const baseEnv = this._options.env ?? process.env;
    const cwd = options.cwd ?? homedir();
    checkCwd(cwd);
    const cli = resolveCliType(options.cli, options.cliType);
    const env = sanitizedEnv(baseEnv, options.env);
    const file = resolveExecutable(options.cli, env, cwd);
    const cliVersion = packageOf(file, cli === 'auto' ? [] : (getCli(cli).versions?.packages ?? []))?.version;
    const id = randomUUID();
    // Hooks are arguments and settings for the CLI's own program: a program that is not it (a
    // stand-in, a script given a CLI type for its parser) would choke on them, so it gets none.
    const isTheCli = cli !== 'auto' && (cliVersion !== undefined || detectCliFromCommand(options.cli) === cli);
    const port = isTheCli && getCli(cli).witnesses?.stream ? await freeLoopbackPort().catch(() => undefined) : undefined;
    const prepared = isTheCli ? this._prepareVoice(cli, id, options.args ?? [], env, port) : undefined;
    const witnesses = cli === 'auto' ? undefined : getCli(cli).witnesses;
    const base = {
      id,
      name: options.name ?? `${basename(options.cli)} · ${basename(cwd)}`,
      file,
      command: options.cli,
      args: options.args ?? [],
      cwd,
      cols: options.cols ?? this._options.defaultCols ?? 120,
      rows: options.rows ?? this._options.defaultRows ?? 40,
      env: prepared ? { ...env, ...prepared.env } : env,
      cli,
      ...(cliVersion !== undefined ? { cliVersion } : {}),
    };
    const voice = prepared && witnesses ? { witnesses, prepared, home: env.HOME ?? homedir(), turnEnded: (status: 'ok' | 'error') => this._options.turnEnded?.(id, status) ?? false } : undefined;
    let session: Session;
    try {
      // A host spawns the agent with Tether's hook arguments before the user's (in process, Session adds them).
      const pty = await this._options.ptyHost?.spawn({ ...base, args: [...(prepared?.args ?? []), ...base.args], createdAt: new Date(this._clock.now()).toISOString() });
      const parserOff = cli !== 'auto' && this._options.parserOff?.includes(cli) === true;
      session = this._add(new Session({ ...base, ...this._sessionDefaults(), ...(pty ? { pty } : {}), ...(voice ? { voice } : {}), ...(parserOff ? { parserOff } : {}) }));
    } catch (err) {
      if (prepared) rmSync(prepared.runDir, { recursive: true, force: true });
      throw err;
    }
    if (prepared && voice && this._options.ptyHost) this._keepHookSecret(id, prepared, voice.home);
    const info = session.info();
    this._onEvent.fire({ type: 'session_created', session: info });
    return info;
  }

  /** Keeps a hosted session's hook secret for the next daemon (a failure is logged; the session runs on). */
  private _keepHookSecret(sessionId: string, prepared: PreparedVoice, home: string): void {
    try {
      this._options.hookSecrets?.put({
        session_id: sessionId,
        token: prepared.token,
        run_dir: prepared.runDir,
        home,
        ...(prepared.conversationId !== undefined ? { conversation_id: prepared.conversationId } : {}),
        env: folderEnv(prepared.agentEnv),
        ...(prepared.hookUrl !== undefined ? { hook_url: prepared.hookUrl } : {}),
      });
    } catch (err) {
      this._options.log?.('warn', 'hook secret not kept: a daemon restart will refuse this session\'s hooks', { session_id: sessionId, error: (err as Error).message });
    }
  }

  /** The voice of a re-attached session, from its kept hook secret (none kept: the screen is its only witness). */
  private _adoptedVoice(sessionId: string, cli: CliType | 'auto') {
    const kept = this._options.hookSecrets?.get(sessionId);
    const witnesses = cli === 'auto' ? undefined : getCli(cli).witnesses;
    if (kept === undefined || witnesses === undefined) return undefined;
    const prepared: PreparedVoice = {
      args: [],
      env: {},
      token: kept.token,
      runDir: kept.run_dir,
      ...(kept.conversation_id !== undefined ? { conversationId: kept.conversation_id } : {}),
      agentEnv: { ...kept.env, HOME: kept.home },
    };
    return { witnesses, prepared, home: kept.home, turnEnded: (status: 'ok' | 'error') => this._options.turnEnded?.(sessionId, status) ?? false };
  }

  /**
   * Forgets kept hook secrets (and removes the run folders) of sessions this daemon did not
   * re-attach: their agents are gone. Called once the hosts were re-attached. @throws never
   */
  pruneHookSecrets(): void {
    for (const kept of this._options.hookSecrets?.list() ?? []) {
      if (this._sessions.has(kept.session_id)) continue;
      this._options.hookSecrets?.remove(kept.session_id);
      rmSync(kept.run_dir, { recursive: true, force: true });
    }
  }

  /**
   * Re-attaches a session a previous daemon left running (or that exited while no daemon ran):
   * its screen is rebuilt from the replay, detection resumes, and `session_resumed` goes out.
   * @throws TetherError SESSION_LIMIT when the id is already taken (the same host attached twice)
   */
  adopt(resumed: ResumedSession): SessionInfo {
    if (this._sessions.has(resumed.id)) throw new TetherError('SESSION_LIMIT', `session ${resumed.id} is already attached`);
    const { pty, replay, afterSeq, createdAt, ...base } = resumed;
    const voice = this._adoptedVoice(resumed.id, resumed.cli);
    const session = this._add(new Session({ ...base, env: {}, ...this._sessionDefaults(), resume: { pty, replay, afterSeq, createdAt }, ...(voice ? { voice } : {}) }));
    const info = session.info();
    this._onEvent.fire({ type: 'session_resumed', session: info });
    return info;
  }

  /**
   * Lets go of every session without ending hosted agents (they wait in their hosts for the next
   * daemon); in-process agents are killed. Nothing is emitted.
   */
  detachAll(): void {
    for (const session of this._sessions.values()) session.detach();
    this._sessions.clear();
    this._exited.clear();
  }

  /**
   * Ends every running agent deliberately (SIGTERM, SIGKILL after the grace) and resolves once
   * each has exited and handed over its last output (a hosted one is then released), or after
   * the grace plus a second.
   */
  async stopAll(): Promise<void> {
    const running = [...this._sessions.values()].filter((session) => session.status !== 'exited');
    const graceMs = { ...DEFAULT_SESSION_LIMITS, ...this._options.limits }.killGraceMs;
    await Promise.all(
      running.map(
        (session) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, graceMs + STOP_MARGIN_MS);
            session.onEvent((event) => {
              if (event.type !== 'session_closed') return;
              clearTimeout(timer);
              resolve();
            });
            session.kill();
          }),
      ),
    );
  }

  private _sessionDefaults() {
    return {
      clock: this._clock,
      limits: { ...DEFAULT_SESSION_LIMITS, ...this._options.limits },
      ...(this._options.drift ? { drift: this._options.drift } : {}),
      approvalRule: (waitType: WaitType, cliType: CliType) => this._options.approvals?.(waitType, cliType),
      log: (message: string, fields: Record<string, unknown>) => this._options.log?.('info', message, fields),
    };
  }

  private _add(session: Session): Session {
    this._sessions.set(session.id, session);
    session.onEvent((event) => {
      this._onEvent.fire(event);
      this._approvals.observe(event);
      if (event.type === 'waiting_for_input' || event.type === 'waiting_cleared') this._fireUpdated(session);
      if (event.type === 'session_closed') this._onClosed(session);
    });
    session.onInputBox((box) => this._inputStates.report(session.id, box));
    session.onActivity((activity) => this._onActivity.fire(activity));
    // The agent's SessionStart named its conversation: clients get it in session_updated (and a kept secret learns it).
    session.onDidNameConversation((conversationId) => {
      const kept = this._options.hookSecrets?.get(session.id);
      if (kept !== undefined && kept.conversation_id !== conversationId) {
        try {
          this._options.hookSecrets?.put({ ...kept, conversation_id: conversationId });
        } catch (err) {
          this._options.log?.('warn', 'hook secret not updated', { session_id: session.id, error: (err as Error).message });
        }
      }
      this._fireUpdated(session);
    });
    return session;
  }

  /**
   * Takes one hook payload (the CLI's raw JSON) for a running session.
   * @returns how many agent events it said
   * @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED
   */
  postHook(sessionId: string, payload: unknown): number {
    return this._session(sessionId).postHook(payload).length;
  }

  /** True when `token` is the hook secret of session `sessionId` (false for unknown sessions). @throws never */
  hookTokenMatches(sessionId: string, token: string | undefined): boolean {
    return this._sessions.get(sessionId)?.hookTokenMatches(token) ?? false;
  }

  /** The session's hook injection, or undefined (no hooks for this CLI, no endpoint, or the run folder failed: logged). */
  private _prepareVoice(cli: string, id: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>, port: number | undefined): PreparedVoice | undefined {
    if (cli === 'auto') return undefined;
    try {
      return prepareVoice(getCli(cli).witnesses, { id, args, env, ...(port !== undefined ? { port } : {}) }, this._options.voiceEndpoint?.());
    } catch (err) {
      this._options.log?.('warn', 'session starts without hooks', { session_id: id, error: (err as Error).message });
      return undefined;
    }
  }



  /** Kills a running session; removes an exited one (its final record goes). @throws TetherError SESSION_NOT_FOUND */
  close(sessionId: string): void {
    const session = this._session(sessionId);
    if (session.status === 'exited') this.remove(sessionId);
    else session.kill();
  }

  /** Forgets a session (killing it if it still runs); its events stay with clients that saw them. @throws TetherError SESSION_NOT_FOUND */
  remove(sessionId: string): void {
    const session = this._session(sessionId);
    session.dispose();
    this._options.hookSecrets?.remove(sessionId);
    this._sessions.delete(sessionId);
    this._exited.delete(sessionId);
    this._deleteOnExit.delete(sessionId);
    this._senders.delete(sessionId);
    this._inputStates.forget(sessionId);
    this._onDidRemoveSession.fire(sessionId);
    const deleted: SessionEvent = { type: 'session_deleted', session_id: sessionId };
    this._onEvent.fire(deleted);
    this._approvals.observe(deleted);
  }

  /** Removes a session: at once when it has exited, else once its process (killed now) exits. @throws TetherError SESSION_NOT_FOUND */
  delete(sessionId: string): void {
    const session = this._session(sessionId);
    if (session.status === 'exited') return this.remove(sessionId);
    this._deleteOnExit.add(sessionId);
    session.kill();
  }

  /** @throws TetherError SESSION_NOT_FOUND */
  rename(sessionId: string, name: string): SessionInfo {
    const session = this._session(sessionId);
    session.rename(name);
    this._onEvent.fire({ type: 'session_renamed', session_id: sessionId, new_name: name });
    return this._fireUpdated(session);
  }

  /**
   * Records the CLI's own conversation id of a session (hooks and transcripts find it);
   * `session_updated` follows when it changed. @throws TetherError SESSION_NOT_FOUND
   */
  setConversationId(sessionId: string, conversationId: string): void {
    const session = this._session(sessionId);
    if (session.setConversationId(conversationId)) this._fireUpdated(session);
  }

  /** @throws TetherError SESSION_NOT_FOUND | NOT_RESUMABLE | SESSION_LIMIT | SPAWN_FAILED */
  resume(sessionId: string): SessionInfo {
    const session = this._session(sessionId);
    if (session.status === 'running') throw new TetherError('NOT_RESUMABLE', `session ${sessionId} is still running`);
    const cli = getCli(session.cliType);
    if (cli.resume === undefined) throw new TetherError('NOT_RESUMABLE', `${cli.displayName} has no resume flag`);
    const conversationId = session.conversationId;
    if (conversationId === undefined) throw new TetherError('NOT_RESUMABLE', `no conversation id is known for session ${sessionId} yet`);
    this._checkRunningLimit();
    session.restart([...cli.resume.args(conversationId), ...session.baseArgs]);
    this._exited.delete(sessionId);
    const info = session.info();
    this._onEvent.fire({ type: 'session_resumed', session: info });
    this._fireUpdated(session);
    return info;
  }

  async sendInput(sessionId: string, text: string, options: InputOptions = {}): Promise<void> {
    const session = this._session(sessionId);
    this._noteSender(sessionId, options.senderId);
    if (options.raw) {
      if (session.writeInput(text)) this._onDidInput.fire({ session_id: sessionId });
      return;
    }
    if (options.clientMsgId !== undefined) session.expectUserMessage(text, options.clientMsgId);
    // The prompt on screen now is the one the text is for (input() clears it as live).
    const live = session.pipeline.live;
    session.pipeline.input(text);
    this._onDidInput.fire({ session_id: sessionId });
    const steps = typeAndSubmit(text, this._submitDelay(session), session.pipeline.screen.bracketedPaste, this._submitKey(session), live ? targetOf(live.prompt) : {});
    await session.writeSteps(live?.event.prompt_id ?? '', steps);
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this._session(sessionId).resize(cols, rows);
  }

  async answerApproval(sessionId: string, promptId: string, response: ApprovalResponse, options: AnswerOptions = {}): Promise<void> {
    const { session, prompt } = this._livePrompt(sessionId, promptId);
    const steps = mapApproval(prompt, response);
    this._noteSender(sessionId, options.senderId);
    await session.writeSteps(promptId, steps, keysOf(steps), undefined, this._landing(session, prompt, (now) => mapApproval(now, response)));
  }

  async answer(sessionId: string, promptId: string, answer: { optionId?: string; text?: string }, options: AnswerOptions = {}): Promise<void> {
    const { session, prompt } = this._livePrompt(sessionId, promptId);
    const map = (now: PromptInfo) => mapAnswer(now, answer, this._submitDelay(session), session.pipeline.screen.bracketedPaste, this._submitKey(session));
    const steps = map(prompt);
    this._noteSender(sessionId, options.senderId);
    // Text into the idle box is checked by typedSubmit alone; a dialog's answer must land first.
    const landing = prompt.waitType === 'awaiting_response' ? undefined : this._landing(session, prompt, map);
    await session.writeSteps(promptId, steps, answer.optionId !== undefined ? keysOf(steps) : 'input', undefined, landing);
  }

  /**
   * Reports drift seen in a session (e.g. a hook that announced a prompt the screen never showed):
   * counted under the session's CLI and CLI version. A no-op without a drift sink.
   * @param sample a short description; never typed text or screen contents of a text field
   * @throws TetherError SESSION_NOT_FOUND
   */
  recordDrift(sessionId: string, kind: DriftKind, sample?: string): void {
    const session = this._session(sessionId);
    const cliVersion = session.cliVersion;
    this._options.drift?.recordDrift({ cli: session.cliType, kind, ...(cliVersion !== undefined ? { cliVersion } : {}), ...(sample !== undefined ? { sample } : {}) });
  }

  activity(sessionId: string): SessionActivity {
    return this._session(sessionId).activity;
  }

  /**
   * The draft in a running session's input box ('' when empty), read off the screen by its CLI's
   * descriptor; undefined when the CLI has no reader, no box is up, or the session has exited.
   * @throws never
   */
  inputDraft(sessionId: string): string | undefined {
    const session = this._sessions.get(sessionId);
    if (session === undefined || session.status === 'exited') return undefined;
    return getCli(session.cliType).answers.readInput?.(session.pipeline.screen.snapshot());
  }

  currentWaiting(sessionId: string): WaitingForInputEvent | undefined {
    return this._sessions.get(sessionId)?.live?.event;
  }

  serializeScreen(sessionId: string): { seq: number; data: string } {
    const session = this._session(sessionId);
    return { seq: session.screenSeq, data: session.serializeScreen() };
  }

  eventsSince(sessionId: string, since: number): SessionEvent[] | undefined {
    return this._session(sessionId).eventsSince(since);
  }

  private _submitDelay(session: Session): number {
    return submitDelayFor(session.cliType, this._options.submitDelayMs ?? DEFAULT_SUBMIT_DELAY_MS);
  }

  /** How an answer to `prompt` lands in this session's CLI: its settle time, and the same answer mapped again (answerLanding.ts). */
  private _landing(session: Session, prompt: PromptInfo, remap: (now: PromptInfo) => readonly KeyStep[]): KeyAnswer {
    return { prompt, remap, settleMs: getCli(session.cliType).answers.answerSettleMs ?? DEFAULT_ANSWER_SETTLE_MS };
  }

  /** The key that submits typed text in this session's CLI (its descriptor's). */
  private _submitKey(session: Session): string {
    return getCli(session.cliType).answers.submitKey;
  }

  /**
   * The live prompt named by `promptId`, re-read from the screen now.
   * @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED | STALE_PROMPT
   */
  private _livePrompt(sessionId: string, promptId: string) {
    const session = this._session(sessionId);
    if (session.status === 'exited') throw new TetherError('SESSION_EXITED', `session ${sessionId} has exited`);
    const live = session.pipeline.live;
    if (!live || live.event.prompt_id !== promptId) {
      throw new TetherError('STALE_PROMPT', `prompt ${promptId} is no longer live${live ? ` (live: ${live.event.prompt_id})` : ''}`);
    }
    const verdict = session.pipeline.readVerdict();
    if (verdict.state !== 'waiting' || verdict.prompt.waitType !== live.prompt.waitType) {
      throw new TetherError('STALE_PROMPT', `prompt ${promptId} is no longer on screen`);
    }
    return { session, prompt: verdict.prompt };
  }

  /** @throws TetherError SESSION_LIMIT when `maxRunning` sessions run */
  private _checkRunningLimit(): void {
    const maxRunning = this._options.maxRunning ?? DEFAULT_MAX_RUNNING;
    if (this._sessions.size - this._exited.size >= maxRunning) {
      throw new TetherError('SESSION_LIMIT', `${maxRunning} sessions are running (sessions.max_running); close one first`);
    }
  }

  private _noteSender(sessionId: string, senderId: string | undefined): void {
    if (senderId !== undefined) this._senders.set(sessionId, senderId);
  }

  /** Fires `session_updated` with the session's state now; returns that state. */
  private _fireUpdated(session: Session): SessionInfo {
    const info = session.info();
    this._onEvent.fire({ type: 'session_updated', session: info });
    return info;
  }

  private _onClosed(session: Session): void {
    this._inputStates.forget(session.id);
    this._fireUpdated(session);
    this._noteExited(session.id);
    if (this._deleteOnExit.has(session.id) && this._sessions.has(session.id)) this.remove(session.id);
  }

  /** The warning's lead for an expiring prompt: `approvals.warn_seconds`, at most half its whole time (ms). */
  private _warnLeadMs(event: WaitingForInputEvent): number {
    const rule = this._options.approvals?.(event.wait_type, event.cli_type);
    const total = Date.parse(event.expires_at ?? '') - Date.parse(event.timestamp);
    if (rule === undefined || !Number.isFinite(total)) return 0;
    return Math.min(rule.warnMs, Math.floor(total / 2));
  }

  /** The live session whose live prompt is `event`'s, if it still is. */
  private _stillLive(event: WaitingForInputEvent): Session | undefined {
    const session = this._sessions.get(event.session_id);
    return session?.live?.event.prompt_id === event.prompt_id ? session : undefined;
  }

  private _warn(event: WaitingForInputEvent): void {
    const session = this._stillLive(event);
    if (session === undefined || event.expires_at === undefined) return;
    const { session_id, prompt_id, wait_type, expires_at } = event;
    session.emitSequenced((seq) => ({ type: 'approval_expiring', session_id, seq, timestamp: this._now(), prompt_id, wait_type, expires_at }));
  }

  /**
   * A prompt's time ran out. `deny`: its deny option is typed through the answer path (keys
   * from the screen now), like a phone's `no`; a prompt with no deny option stays and is
   * reported `notified` with the reason. `notify`: it stays answerable.
   */
  private _expire(event: WaitingForInputEvent): void {
    const session = this._stillLive(event);
    if (session === undefined) return;
    let reason: string | undefined;
    if (event.on_timeout === 'deny') {
      let steps: KeyStep[];
      let landing: KeyAnswer | undefined;
      try {
        const { prompt } = this._livePrompt(event.session_id, event.prompt_id);
        steps = mapApproval(prompt, 'no');
        landing = this._landing(session, prompt, (now) => mapApproval(now, 'no'));
      } catch (err) {
        // Gone from the screen already: the detector clears it; there is nothing to deny.
        if (err instanceof TetherError && err.code === 'STALE_PROMPT') return;
        reason = (err as Error).message;
        steps = [];
      }
      if (reason === undefined) {
        this._emitTimeout(session, event, 'denied');
        session.writeSteps(event.prompt_id, steps, keysOf(steps), 'timed_out', landing).catch(() => undefined);
        return;
      }
    }
    this._emitTimeout(session, event, 'notified', reason);
  }

  private _emitTimeout(session: Session, event: WaitingForInputEvent, action: TimeoutAction, reason?: string): void {
    const { session_id, prompt_id, wait_type } = event;
    session.emitSequenced((seq) => ({ type: 'approval_timeout', session_id, seq, timestamp: this._now(), prompt_id, wait_type, action, ...(reason !== undefined ? { reason } : {}) }));
  }

  private _now(): string {
    return new Date(this._clock.now()).toISOString();
  }

  /** Records an exit and removes the oldest exited sessions past `keepExited`. */
  private _noteExited(sessionId: string): void {
    this._exited.add(sessionId);
    const keep = this._options.keepExited ?? DEFAULT_KEEP_EXITED;
    for (const oldest of this._exited) {
      if (this._exited.size <= keep) break;
      this.remove(oldest);
    }
  }

  private _session(sessionId: string): Session {
    const session = this._sessions.get(sessionId);
    if (!session) throw new TetherError('SESSION_NOT_FOUND', `no session ${sessionId}`);
    return session;
  }
}
