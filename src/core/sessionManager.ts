/**
 * SessionManager: the ISessionService behind transport and push. It owns every Session,
 * multiplexes their events into one stream, and maps answers to keys from the screen as it
 * is at answer time, refusing answers to prompts that are no longer live.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import { Disposable, Emitter, TetherError } from '../common/index.js';
import type { DriftKind, IClock, IDriftSink, SessionActivity, SessionEvent, SessionInfo, WaitingForInputEvent } from '../common/index.js';
import { mapAnswer, mapApproval, targetOf, typeAndSubmit } from './answerMapper.js';
import { checkCwd, resolveCliType, resolveExecutable, sanitizedEnv } from './commandResolver.js';
import { Session } from './session.js';
import type { IPtyHost, ResumedSession } from './ptyHost.js';
import { DEFAULT_SESSION_LIMITS } from './sessionRecord.js';
import type { SessionLimits } from './sessionRecord.js';
import type { ApprovalResponse, CreateSessionOptions, InputOptions, ISessionActivitySource, ISessionService } from './sessionService.js';
import { systemClock } from './clocks.js';
import { packageOf } from './cliVersion.js';
import { getCli, submitDelayFor } from '../../parsers/index.js';

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

  constructor(private readonly _options: SessionManagerOptions = {}) {
    super();
    this._clock = _options.clock ?? systemClock;
    this._register({ dispose: () => this._sessions.forEach((s) => s.dispose()) });
  }

  list(): SessionInfo[] {
    return [...this._sessions.values()].map((s) => s.info());
  }

  get(sessionId: string): SessionInfo {
    return this._session(sessionId).info();
  }

  /** @throws TetherError SESSION_LIMIT | UNKNOWN_CLI | SPAWN_FAILED */
  async create(options: CreateSessionOptions): Promise<SessionInfo> {
    const maxRunning = this._options.maxRunning ?? DEFAULT_MAX_RUNNING;
    if (this._sessions.size - this._exited.size >= maxRunning) {
      throw new TetherError('SESSION_LIMIT', `${maxRunning} sessions are running (sessions.max_running); close one first`);
    }
    const baseEnv = this._options.env ?? process.env;
    const cwd = options.cwd ?? homedir();
    checkCwd(cwd);
    const cli = resolveCliType(options.cli, options.cliType);
    const env = sanitizedEnv(baseEnv, options.env);
    const file = resolveExecutable(options.cli, env, cwd);
    const cliVersion = packageOf(file, cli === 'auto' ? [] : (getCli(cli).versions?.packages ?? []))?.version;
    const id = randomUUID();
    const base = {
      id,
      name: options.name ?? `${basename(options.cli)} · ${basename(cwd)}`,
      file,
      command: options.cli,
      args: options.args ?? [],
      cwd,
      cols: options.cols ?? this._options.defaultCols ?? 120,
      rows: options.rows ?? this._options.defaultRows ?? 40,
      env,
      cli,
      ...(cliVersion !== undefined ? { cliVersion } : {}),
    };
    const pty = await this._options.ptyHost?.spawn({ ...base, createdAt: new Date(this._clock.now()).toISOString() });
    const session = this._add(new Session({ ...base, ...this._sessionDefaults(), ...(pty ? { pty } : {}) }));
    const info = session.info();
    this._onEvent.fire({ type: 'session_created', session: info });
    return info;
  }

  /**
   * Re-attaches a session a previous daemon left running (or that exited while no daemon ran):
   * its screen is rebuilt from the replay, detection resumes, and `session_resumed` goes out.
   * @throws TetherError SESSION_LIMIT when the id is already taken (the same host attached twice)
   */
  adopt(resumed: ResumedSession): SessionInfo {
    if (this._sessions.has(resumed.id)) throw new TetherError('SESSION_LIMIT', `session ${resumed.id} is already attached`);
    const { pty, replay, afterSeq, createdAt, ...base } = resumed;
    const session = this._add(new Session({ ...base, env: {}, ...this._sessionDefaults(), resume: { pty, replay, afterSeq, createdAt } }));
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
    };
  }

  private _add(session: Session): Session {
    this._sessions.set(session.id, session);
    session.onEvent((event) => {
      this._onEvent.fire(event);
      if (event.type === 'session_closed') this._noteExited(event.session_id);
    });
    if (session.status !== 'exited') session.pipeline.onActivity((activity) => this._onActivity.fire(activity));
    return session;
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
    this._sessions.delete(sessionId);
    this._exited.delete(sessionId);
    this._onDidRemoveSession.fire(sessionId);
  }

  async sendInput(sessionId: string, text: string, options: InputOptions = {}): Promise<void> {
    const session = this._session(sessionId);
    if (options.raw) {
      if (session.writeInput(text)) this._onDidInput.fire({ session_id: sessionId });
      return;
    }
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

  async answerApproval(sessionId: string, promptId: string, response: ApprovalResponse): Promise<void> {
    const { session, prompt } = this._livePrompt(sessionId, promptId);
    await session.writeSteps(promptId, mapApproval(prompt, response));
  }

  async answer(sessionId: string, promptId: string, answer: { optionId?: string; text?: string }): Promise<void> {
    const { session, prompt } = this._livePrompt(sessionId, promptId);
    const steps = mapAnswer(prompt, answer, this._submitDelay(session), session.pipeline.screen.bracketedPaste, this._submitKey(session));
    await session.writeSteps(promptId, steps);
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
