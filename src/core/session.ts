/**
 * Session: one node-pty process, its detection pipeline, its per-session seq and a bounded
 * event history for clients resuming with `since`. Flow control pauses the PTY while the
 * headless screen has too much unparsed output and resumes it from write callbacks.
 */
import { Disposable, Emitter, TetherError, toDisposable } from '../common/index.js';
import type { CliType, IClock, SessionEvent, SessionInfo, SessionStatus } from '../common/index.js';
import { DetectionPipeline } from './detectionPipeline.js';
import type { KeyStep } from './answerMapper.js';
import { PtyProcess } from './ptyProcess.js';

/** Pause the PTY above this many unparsed bytes (xterm drops data past 50 MB). */
const HIGH_WATER_BYTES = 1 << 20;
/** Resume it below this. */
const LOW_WATER_BYTES = 1 << 18;
/** Events kept for `since` resume. */
const HISTORY_EVENTS = 2000;
/**
 * Longest wait for the screen to apply the output still pending at exit before reporting it (ms).
 * The PTY delivers every byte before exit (see PtyProcess) and at most HIGH_WATER_BYTES wait for
 * the screen, which parses that in well under a second; the bound only guards a wedged screen.
 */
const EXIT_FLUSH_MS = 10_000;
/** Grace between SIGTERM and SIGKILL (ms). */
const KILL_GRACE_MS = 3000;

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
}

/** One running agent CLI. */
export class Session extends Disposable {
  readonly pipeline: DetectionPipeline;
  private readonly _pty: PtyProcess;
  private _seq = 0;
  private _status: SessionStatus = 'running';
  private _exitCode: number | null = null;
  private _cols: number;
  private _rows: number;
  private _pendingBytes = 0;
  private _paused = false;
  private readonly _history: SessionEvent[] = [];
  private readonly _createdAt: string;
  private _updatedAt: string;

  private readonly _onEvent = this._register(new Emitter<SessionEvent>());
  readonly onEvent = this._onEvent.event;

  /** @throws TetherError SPAWN_FAILED when node-pty cannot start the process */
  constructor(private readonly _spec: SessionSpec) {
    super();
    this._cols = _spec.cols;
    this._rows = _spec.rows;
    this._createdAt = this._updatedAt = new Date(_spec.clock.now()).toISOString();
    this.pipeline = this._register(
      new DetectionPipeline({ sessionId: _spec.id, cli: _spec.cli, cols: _spec.cols, rows: _spec.rows, clock: _spec.clock, nextSeq: () => ++this._seq }),
    );
    this._pty = this._register(new PtyProcess({ file: _spec.file, args: _spec.args, cols: _spec.cols, rows: _spec.rows, cwd: _spec.cwd, env: _spec.env }));
    this._register(this.pipeline.onEvent((event) => this._emit(event)));
    this._register(this.pipeline.onReply((reply) => this._writePty(reply)));
    this._register(this._pty.onData((data) => this._onData(data)));
    this._register(this._pty.onExit(({ exitCode, signal }) => void this._onExit(signal ? 128 + signal : exitCode)));
    this._register(toDisposable(() => this._status !== 'exited' && this.kill()));
  }

  get id(): string {
    return this._spec.id;
  }

  get status(): SessionStatus {
    return this._status;
  }

  get seq(): number {
    return this._seq;
  }

  /** The session as clients see it. */
  info(): SessionInfo {
    const live = this.pipeline.live;
    return {
      id: this._spec.id,
      name: this._spec.name,
      cli_type: this.pipeline.cliType,
      command: this._spec.command,
      args: this._spec.args,
      cwd: this._spec.cwd,
      cols: this._cols,
      rows: this._rows,
      status: this._status,
      exit_code: this._exitCode,
      created_at: this._createdAt,
      updated_at: this._updatedAt,
      waiting: live ? { prompt_id: live.event.prompt_id, wait_type: live.event.wait_type } : null,
    };
  }

  /** Events with seq > `since`, or undefined when the history no longer reaches back that far. */
  eventsSince(since: number): SessionEvent[] | undefined {
    if (since >= this._seq) return [];
    const first = this._history[0];
    const firstSeq = first && 'seq' in first ? first.seq : this._seq + 1;
    if (firstSeq > since + 1) return undefined;
    return this._history.filter((e) => 'seq' in e && e.seq > since);
  }

  /** Writes user input: it clears a live prompt unless it is only terminal replies (which are dropped: the headless screen answers queries). */
  writeInput(data: string): void {
    this._assertRunning();
    if (this.pipeline.input(data)) this._writePty(data);
  }

  /** Writes answer steps for `promptId`, marking it answered first. */
  async writeSteps(promptId: string, steps: readonly KeyStep[]): Promise<void> {
    this._assertRunning();
    this.pipeline.answered(promptId);
    for (const step of steps) {
      if ('write' in step) this._writePty(step.write);
      else await new Promise((resolve) => setTimeout(resolve, step.pauseMs));
      if (this._status === 'exited') return;
    }
  }

  /** Resizes the PTY and screen (cells/rows). */
  resize(cols: number, rows: number): void {
    this._assertRunning();
    this._cols = cols;
    this._rows = rows;
    this._pty.resize(cols, rows);
    this.pipeline.resize(cols, rows);
    this._touch();
  }

  /** SIGTERM, then SIGKILL after a grace period, to the PTY's process group. */
  kill(): void {
    if (this._status === 'exited') return;
    const pid = this._pty.pid;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        this._pty.kill(sig);
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => this._status !== 'exited' && signal('SIGKILL'), KILL_GRACE_MS);
    timer.unref();
  }

  private _assertRunning(): void {
    if (this._status === 'exited') throw new TetherError('SESSION_EXITED', `session ${this.id} has exited`);
  }

  private _writePty(data: string): void {
    if (this._status === 'exited') return;
    try {
      this._pty.write(data);
    } catch {
      // The PTY closed under us; onExit reports it.
    }
  }

  private _onData(data: string): void {
    this._pendingBytes += data.length;
    if (!this._paused && this._pendingBytes > HIGH_WATER_BYTES) {
      this._paused = true;
      this._pty.pause();
    }
    this._emit({ type: 'pty_output', session_id: this.id, seq: ++this._seq, data });
    this.pipeline.write(data, () => {
      this._pendingBytes -= data.length;
      if (this._paused && this._pendingBytes < LOW_WATER_BYTES) {
        this._paused = false;
        this._pty.resume();
      }
    });
  }

  private async _onExit(exitCode: number): Promise<void> {
    const deadline = Date.now() + EXIT_FLUSH_MS;
    while (this._pendingBytes > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.isDisposed) return;
    this.pipeline.exited();
    this._status = 'exited';
    this._exitCode = exitCode;
    this._touch();
    this._emit({ type: 'session_closed', session_id: this.id, seq: ++this._seq, exit_code: exitCode });
  }

  private _touch(): void {
    this._updatedAt = new Date(this._spec.clock.now()).toISOString();
  }

  private _emit(event: SessionEvent): void {
    if (event.type !== 'session_created') {
      this._history.push(event);
      if (this._history.length > HISTORY_EVENTS) this._history.splice(0, this._history.length - HISTORY_EVENTS);
    }
    if (event.type === 'waiting_for_input' || event.type === 'waiting_cleared') this._touch();
    this._onEvent.fire(event);
  }
}
