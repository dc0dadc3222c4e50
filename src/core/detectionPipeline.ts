/**
 * DetectionPipeline: PTY bytes → HeadlessScreen → parser → WaitDetector, on an IClock.
 * Live sessions and replay share it, so a recording gives the events the live session gave.
 * It evaluates the screen once output has been quiet for a moment (or a bounded time after
 * the first unevaluated write), never inside an open synchronized-output frame.
 */
import { Disposable, Emitter } from '../common/index.js';
import type { CliType, IClock, IDisposable, IPromptParser, SessionActivity, Verdict, WaitingClearedEvent, WaitingForInputEvent } from '../common/index.js';
import { GENERIC_CLI, detectCliFromScreen, getParser } from '../../parsers/index.js';
import { HeadlessScreen } from './headlessScreen.js';
import { isTerminalReply } from './terminalReplies.js';
import { WaitDetector } from './waitDetector.js';

/** Quiet time after the last write before the screen is read (ms): a prompt is drawn in one burst. */
export const QUIET_MS = 40;
/** Upper bound between the first unevaluated write and an evaluation (ms), so steady output cannot starve detection. */
export const MAX_EVALUATION_DELAY_MS = 120;
/** How long an open synchronized-output frame may postpone evaluation (ms). */
export const MAX_FRAME_WAIT_MS = 500;

/** Options for a pipeline. */
export interface DetectionPipelineOptions {
  readonly sessionId: string;
  /** A CLI type, or 'auto' to pick the parser from the first screens' banner. */
  readonly cli: CliType | 'auto';
  readonly cols: number;
  readonly rows: number;
  readonly clock: IClock;
  readonly nextSeq: () => number;
}

/** The screen, parser and detector of one session. */
export class DetectionPipeline extends Disposable {
  readonly screen: HeadlessScreen;
  private readonly _detector: WaitDetector;
  private _parser: IPromptParser | undefined;
  private _cliType: CliType;
  private _timer: IDisposable | undefined;
  private _firstPendingAt: number | undefined;
  private _lastOutputAt = 0;
  private _lastVerdict: Verdict = { state: 'unknown' };

  private readonly _onEvent = this._register(new Emitter<WaitingForInputEvent | WaitingClearedEvent>());
  /** Waiting edges. */
  readonly onEvent = this._onEvent.event;
  /** Terminal replies to forward to the PTY. */
  readonly onReply;

  private _activity: SessionActivity;
  private readonly _onActivity = this._register(new Emitter<SessionActivity>());
  /** Fires when the status, busy line or todo progress read off the screen changes. */
  readonly onActivity = this._onActivity.event;

  constructor(private readonly _options: DetectionPipelineOptions) {
    super();
    this.screen = this._register(new HeadlessScreen(_options.cols, _options.rows));
    this.onReply = this.screen.onReply;
    this._cliType = _options.cli === 'auto' ? GENERIC_CLI.id : _options.cli;
    this._parser = _options.cli === 'auto' ? undefined : getParser(_options.cli);
    this._activity = { session_id: _options.sessionId, status: 'busy', since: new Date(_options.clock.now()).toISOString() };
    this._detector = this._register(
      new WaitDetector({
        sessionId: _options.sessionId,
        cliType: () => this._cliType,
        nextSeq: _options.nextSeq,
        timestamp: () => new Date(_options.clock.now()).toISOString(),
      }),
    );
    this._register(this._detector.onEvent((event) => this._onEvent.fire(event)));
    this._register(this.screen.onWriteParsed(() => this._noteOutput()));
    this._register({ dispose: () => this._timer?.dispose() });
  }

  /** The CLI whose parser reads this screen ('generic' until `auto` has decided). */
  get cliType(): CliType {
    return this._cliType;
  }

  /** The live prompt, if any. */
  get live() {
    return this._detector.live;
  }

  /** What the session is doing now, as last read off the screen. */
  get activity(): SessionActivity {
    return this._activity;
  }

  /** The most recent verdict (for status lines such as the busy activity). */
  get lastVerdict(): Verdict {
    return this._lastVerdict;
  }

  /** Applies PTY output; `onApplied` runs once the screen reflects it (flow control hooks here). */
  write(data: string | Uint8Array, onApplied?: () => void): void {
    this.screen.write(data, onApplied);
  }

  /**
   * Applies output before returning (replay on a virtual clock: no timer tick per write).
   * @throws BugError when the screen cannot write synchronously (see HeadlessScreen.canWriteSync)
   */
  writeSync(data: string): void {
    this.screen.writeSync(data);
  }

  /**
   * Observes bytes headed for the PTY: user input clears a live prompt, terminal replies do not.
   * @returns true when `data` is user input, false when it is only terminal replies
   */
  input(data: string): boolean {
    if (isTerminalReply(data)) return false;
    this._detector.userInput();
    return true;
  }

  /** Marks the live prompt answered (before its keys are written). */
  answered(promptId: string): void {
    this._detector.answered(promptId);
  }

  /** Resizes the screen (cells/rows) and re-reads it. */
  resize(cols: number, rows: number): void {
    this.screen.resize(cols, rows);
    this._noteOutput();
  }

  /** The PTY exited: any live prompt is cleared. */
  exited(): void {
    this._timer?.dispose();
    this._timer = undefined;
    this._detector.exited();
    this._setActivity({ status: 'exited' });
  }

  /** Reads the screen now and returns the parser's verdict (used at answer time). */
  readVerdict(): Verdict {
    const parser = this._resolveParser();
    if (!parser) return { state: 'unknown' };
    const now = this._options.clock.now();
    return parser.parse(this.screen.snapshot(), now, { quietMs: now - this._lastOutputAt });
  }

  /** Output reached the screen: (re)arm the one evaluation timer. Cheap, since it runs per batch. */
  private _noteOutput(): void {
    const now = this._options.clock.now();
    this._lastOutputAt = now;
    this._firstPendingAt ??= now;
    this._timer ??= this._options.clock.setTimeout(() => this._onTimer(), QUIET_MS);
  }

  private _onTimer(): void {
    this._timer = undefined;
    const now = this._options.clock.now();
    const firstPendingAt = this._firstPendingAt ?? now;
    const due = Math.min(this._lastOutputAt + QUIET_MS, firstPendingAt + MAX_EVALUATION_DELAY_MS);
    if (now < due) {
      this._timer = this._options.clock.setTimeout(() => this._onTimer(), due - now);
      return;
    }
    if (this.screen.isFrameOpen && now - firstPendingAt < MAX_FRAME_WAIT_MS) {
      this._timer = this._options.clock.setTimeout(() => this._onTimer(), QUIET_MS);
      return;
    }
    this._firstPendingAt = undefined;
    this._lastVerdict = this.readVerdict();
    this._detector.observe(this._lastVerdict);
    const verdict = this._lastVerdict;
    if (verdict.state === 'busy') this._setActivity({ status: 'busy', operation: verdict.activity, todo: verdict.todo });
    else if (verdict.state === 'waiting') this._setActivity({ status: verdict.prompt.waitType === 'awaiting_response' ? 'idle' : 'waiting' });
    // A forced read (output still flowing) is followed by one read of the settled screen, so a
    // parser may trust `quietMs` without missing a prompt drawn at the end of a burst.
    if (now - this._lastOutputAt < QUIET_MS) {
      this._firstPendingAt = now;
      this._timer = this._options.clock.setTimeout(() => this._onTimer(), Math.max(1, Math.ceil(this._lastOutputAt + QUIET_MS - now)));
    }
  }

  private _setActivity(next: Pick<SessionActivity, 'status' | 'operation' | 'todo'>): void {
    const current = this._activity;
    const todoKey = (todo: SessionActivity['todo']) => (todo ? `${todo.completed}/${todo.total}` : '');
    if (current.status === next.status && current.operation === next.operation && todoKey(current.todo) === todoKey(next.todo)) return;
    const since = current.status === next.status ? current.since : new Date(this._options.clock.now()).toISOString();
    this._activity = {
      session_id: this._options.sessionId,
      status: next.status,
      since,
      ...(next.operation ? { operation: next.operation } : {}),
      ...(next.todo ? { todo: next.todo } : {}),
    };
    this._onActivity.fire(this._activity);
  }

  private _resolveParser(): IPromptParser | undefined {
    if (this._parser) return this._parser;
    // Until a banner (or a shell prompt) shows, nothing is reported: an unknown program never
    // raises a false alarm, and a slow CLI (OpenCode takes tens of seconds) is still found.
    const detected = detectCliFromScreen(this.screen.snapshot());
    if (!detected) return undefined;
    this._cliType = detected;
    this._parser = getParser(this._cliType);
    return this._parser;
  }
}
