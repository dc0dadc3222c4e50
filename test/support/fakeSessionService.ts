/**
 * The one in-memory ISessionService of the tests (transport and push): canned sessions, an
 * Emitter the test fires events through (`emit` also keeps the live prompt like core does),
 * recorded calls, and scripted failures. No PTYs.
 */
import { Emitter, TetherError } from '../../src/common/index.js';
import type { SessionEvent, SessionInfo, WaitingForInputEvent } from '../../src/common/index.js';
import type { AnswerOptions, ApprovalResponse, CreateSessionOptions, ISessionService } from '../../src/core/index.js';

/** Builds a SessionInfo with defaults. */
export function fakeSession(id: string, overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id,
    name: id,
    cli_type: 'claude',
    command: 'claude',
    args: [],
    cwd: '/tmp',
    cols: 80,
    rows: 24,
    status: 'running',
    exit_code: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    waiting: null,
    ...overrides,
  };
}

/** A scriptable fake of the session service. */
export class FakeSessionService implements ISessionService {
  readonly emitter = new Emitter<SessionEvent>();
  readonly onEvent = this.emitter.event;
  /** Activity reports (status, busy line, todo) the test fires. */
  readonly activityEmitter = new Emitter<{ session_id: string; status: 'busy' | 'waiting' | 'idle' | 'exited'; since: string }>();
  readonly onActivity = this.activityEmitter.event;
  /** Fires a session id when `close` removes an exited session (core's onDidRemoveSession). */
  readonly removedEmitter = new Emitter<string>();
  readonly onDidRemoveSession = this.removedEmitter.event;
  readonly sessions = new Map<string, SessionInfo>();
  readonly waiting = new Map<string, WaitingForInputEvent>();
  /** Events returned by eventsSince; undefined entries mean "too old". */
  readonly history = new Map<string, SessionEvent[]>();
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  /** When set, the next call to a method throws this. */
  failNext: Partial<Record<keyof ISessionService, Error>> = {};
  private _created = 0;
  /** Hook secrets by session id (what `hookTokenMatches` accepts). */
  readonly hookTokens = new Map<string, string>();

  list(): SessionInfo[] {
    return [...this.sessions.values()];
  }
  get(sessionId: string): SessionInfo {
    const session = this.sessions.get(sessionId);
    if (session === undefined) throw new TetherError('SESSION_NOT_FOUND', `no session ${sessionId}`);
    return session;
  }
  async create(options: CreateSessionOptions): Promise<SessionInfo> {
    this._record('create', [options]);
    const session = fakeSession(`created-${++this._created}`, { command: options.cli, name: options.name ?? options.cli });
    this.sessions.set(session.id, session);
    this.emitter.fire({ type: 'session_created', session });
    return session;
  }
  /** Records the call; an exited session is removed (and announced) as core does. */
  close(sessionId: string): void {
    this._record('close', [sessionId]);
    if (this.get(sessionId).status !== 'exited') return;
    this.sessions.delete(sessionId);
    this.removedEmitter.fire(sessionId);
  }
  delete(sessionId: string): void {
    this._record('delete', [sessionId]);
    this.get(sessionId);
    this.sessions.delete(sessionId);
    this.emitter.fire({ type: 'session_deleted', session_id: sessionId });
  }
  rename(sessionId: string, name: string): SessionInfo {
    this._record('rename', [sessionId, name]);
    const session = { ...this.get(sessionId), name };
    this.sessions.set(sessionId, session);
    this.emitter.fire({ type: 'session_renamed', session_id: sessionId, new_name: name });
    this.emitter.fire({ type: 'session_updated', session });
    return session;
  }
  resume(sessionId: string): SessionInfo {
    this._record('resume', [sessionId]);
    const session = { ...this.get(sessionId), status: 'running' as const, exit_code: null };
    this.sessions.set(sessionId, session);
    this.emitter.fire({ type: 'session_resumed', session });
    return session;
  }
  async sendInput(sessionId: string, text: string, options?: { raw?: boolean; senderId?: string }): Promise<void> {
    this._record('sendInput', [sessionId, text, options]);
    this.get(sessionId);
  }
  resize(sessionId: string, cols: number, rows: number): void {
    this._record('resize', [sessionId, cols, rows]);
    this.get(sessionId);
  }
  async answerApproval(sessionId: string, promptId: string, response: ApprovalResponse, options?: AnswerOptions): Promise<void> {
    this._record('answerApproval', [sessionId, promptId, response, ...(options ? [options] : [])]);
    this.get(sessionId);
  }
  async answer(sessionId: string, promptId: string, answer: { optionId?: string; text?: string }, options?: AnswerOptions): Promise<void> {
    this._record('answer', [sessionId, promptId, answer, ...(options ? [options] : [])]);
    this.get(sessionId);
  }
  postHook(sessionId: string, payload: unknown): number {
    this._record('postHook', [sessionId, payload]);
    if (this.get(sessionId).status === 'exited') throw new TetherError('SESSION_EXITED', `session ${sessionId} has exited`);
    return 1;
  }
  hookTokenMatches(sessionId: string, token: string | undefined): boolean {
    return token !== undefined && this.hookTokens.get(sessionId) === token;
  }
  /** Fires `event` and keeps `waiting` as core does: set by waiting_for_input, removed by its waiting_cleared. */
  emit(event: SessionEvent): void {
    if (event.type === 'waiting_for_input') {
      this.waiting.set(event.session_id, event);
      this._setWaiting(event.session_id, { prompt_id: event.prompt_id, wait_type: event.wait_type });
    }
    if (event.type === 'waiting_cleared' && this.waiting.get(event.session_id)?.prompt_id === event.prompt_id) {
      this.waiting.delete(event.session_id);
      this._setWaiting(event.session_id, null);
    }
    this.emitter.fire(event);
  }

  /** Keeps a known session's `waiting` summary in step, as core's SessionInfo does. */
  private _setWaiting(sessionId: string, waiting: SessionInfo['waiting']): void {
    const session = this.sessions.get(sessionId);
    if (session !== undefined) this.sessions.set(sessionId, { ...session, waiting });
  }
  currentWaiting(sessionId: string): WaitingForInputEvent | undefined {
    return this.waiting.get(sessionId);
  }
  activity(sessionId: string): { session_id: string; status: 'busy' | 'waiting' | 'idle' | 'exited'; since: string } {
    const session = this.get(sessionId);
    return { session_id: sessionId, status: this.waiting.has(sessionId) ? 'waiting' : 'busy', since: session.created_at };
  }
  serializeScreen(sessionId: string): { seq: number; data: string } {
    this.get(sessionId);
    return { seq: 10, data: `\u001b[H[screen of ${sessionId}]` };
  }
  eventsSince(sessionId: string, since: number): SessionEvent[] | undefined {
    const events = this.history.get(sessionId);
    return events?.filter((event) => !('seq' in event) || event.seq > since);
  }

  private _record(method: keyof ISessionService, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failNext[method];
    if (failure !== undefined) {
      delete this.failNext[method];
      throw failure;
    }
  }
}
