/**
 * DetectionPipeline: PTY bytes → HeadlessScreen → parser → WaitDetector, on an IClock.
 * Live sessions and replay share it, so a recording gives the events the live session gave.
 * It evaluates the screen once output has been quiet for a moment (or a bounded time after
 * the first unevaluated write), never inside an open synchronized-output frame.
 */
import { Disposable, Emitter } from '../common/index.js';
import { EXPIRING_WAIT_TYPES } from '../common/index.js';
import type {
  AgentEvent,
  ApprovalRule,
  ClearCause,
  CliType,
  IClock,
  IDisposable,
  IDriftSink,
  InputBox,
  IPromptParser,
  ScreenSnapshot,
  SessionActivity,
  Verdict,
  WaitingClearedEvent,
  WaitingForInputEvent,
  WaitType,
} from '../common/index.js';
import { GENERIC_CLI, detectCliFromScreen, getCli, getParser, readFallbackPrompt, readInputBox } from '../../parsers/index.js';
import { HeadlessScreen } from './headlessScreen.js';
import { isTerminalReply } from './terminalReplies.js';
import { promptIdentity, WaitDetector } from './waitDetector.js';
import { CrossCheck } from './crossCheck.js';

/** Quiet time after the last write before the screen is read (ms): a prompt is drawn in one burst. */
export const QUIET_MS = 40;
/** Upper bound between the first unevaluated write and an evaluation (ms), so steady output cannot starve detection. */
export const MAX_EVALUATION_DELAY_MS = 120;
/** How long an open synchronized-output frame may postpone evaluation (ms). */
export const MAX_FRAME_WAIT_MS = 500;
/**
 * How long the fallback reader must see the same prompt, with the CLI's parser seeing nothing,
 * before it is reported (ms): start-up and redraw frames pass sooner; people take longer to answer.
 */
export const FALLBACK_HOLD_MS = 1000;

/** Options for a pipeline. */
export interface DetectionPipelineOptions {
  readonly sessionId: string;
  /** A CLI type, or 'auto' to pick the parser from the first screens' banner. */
  readonly cli: CliType | 'auto';
  readonly cols: number;
  readonly rows: number;
  readonly clock: IClock;
  readonly nextSeq: () => number;
  /** The CLI's version when known at start (its package); else read from its screen when it draws it. */
  readonly cliVersion?: string;
  /** Where drift is reported (fallback prompts, unverified versions); absent: nowhere. */
  readonly drift?: IDriftSink;
  /** The CLI-agnostic fallback reader runs when the CLI's parser sees nothing (default true). */
  readonly fallback?: boolean;
  /** Test and evaluation only: the CLI's parser reads nothing, so only the fallback reader (and hooks) report. */
  readonly parserOff?: boolean;
  /** The CLI's hooks were injected: its hook evidence is cross-checked and a silent session is drift (crossCheck.ts). */
  readonly hooksExpected?: boolean;
  /** The expiry rule of a new decision prompt (the `approvals` config, read when the prompt appears). */
  readonly approvalRule?: (waitType: WaitType, cliType: CliType) => ApprovalRule | undefined;
}

/** What the fallback reader has been seeing: the prompt's identity and since when (ms). */
interface FallbackCandidate {
  readonly identity: string;
  readonly since: number;
}

/** A parser that reads nothing (parserOff). */
const BLIND_PARSER: IPromptParser = { cli: 'generic', parse: () => ({ state: 'unknown' }) };

/** The screen, parser and detector of one session. */
export class DetectionPipeline extends Disposable {
  readonly screen: HeadlessScreen;
  private readonly _detector: WaitDetector;
  private _parser: IPromptParser | undefined;
  private _cliType: CliType;
  private _timer: IDisposable | undefined;
  /** The re-read that reports a fallback prompt once it has been held (FALLBACK_HOLD_MS). */
  private _fallbackTimer: IDisposable | undefined;
  private _firstPendingAt: number | undefined;
  private _lastOutputAt = 0;
  private _lastVerdict: Verdict = { state: 'unknown' };
  /** When the screen was last read (clock ms). */
  private _lastReadAt: number | undefined;
  private readonly _crossCheck: CrossCheck;
  private _cliVersion: string | undefined;
  private _candidate: FallbackCandidate | undefined;
  /**
   * The fallback reading of the screen a prompt was answered on: the same reading may not be
   * reported until the screen shows something else (a CLI may leave the answered dialog up).
   */
  private _fallbackSuppressed: string | undefined;
  private readonly _onDidReadVersion = this._register(new Emitter<string>());
  /** The CLI's version became known from its screen (fires once). */
  readonly onDidReadVersion = this._onDidReadVersion.event;

  private readonly _onEvent = this._register(new Emitter<WaitingForInputEvent | WaitingClearedEvent>());
  /** Waiting edges. */
  readonly onEvent = this._onEvent.event;
  /** Terminal replies to forward to the PTY. */
  readonly onReply;

  private _activity: SessionActivity;
  private readonly _onActivity = this._register(new Emitter<SessionActivity>());
  /** Fires when the status, busy line or todo progress read off the screen changes. */
  readonly onActivity = this._onActivity.event;
  private _inputBox: InputBox = { text: '', cursor: 0 };
  private readonly _onInputBox = this._register(new Emitter<InputBox>());
  /** Fires when the draft in the idle input box (or the cursor in it) changes, as read at each evaluation. */
  readonly onInputBox = this._onInputBox.event;

  constructor(private readonly _options: DetectionPipelineOptions) {
    super();
    this.screen = this._register(new HeadlessScreen(_options.cols, _options.rows));
    this.onReply = this.screen.onReply;
    this._cliType = _options.cli === 'auto' ? GENERIC_CLI.id : _options.cli;
    this._parser = _options.cli === 'auto' ? undefined : _options.parserOff ? BLIND_PARSER : getParser(_options.cli);
    this._activity = { session_id: _options.sessionId, status: 'busy', since: new Date(_options.clock.now()).toISOString() };
    this._detector = this._register(
      new WaitDetector({
        sessionId: _options.sessionId,
        cliType: () => this._cliType,
        nextSeq: _options.nextSeq,
        timestamp: () => new Date(_options.clock.now()).toISOString(),
        expiryOf: (waitType, timestamp) => this._expiryOf(waitType, timestamp),
      }),
    );
    this._register(this._detector.onEvent((event) => this._onEvent.fire(event)));
    this._register(this._detector.onEvent((event) => event.type === 'waiting_for_input' && event.confidence === 'low' && this._reportFallback(event)));
    this._crossCheck = this._register(
      new CrossCheck({
        clock: _options.clock,
        hooksExpected: _options.hooksExpected === true,
        live: () => this._detector.live,
        lastRead: () => (this._lastReadAt === undefined ? undefined : { state: this._lastVerdict.state, at: this._lastReadAt }),
        raise: (prompt) => this._detector.raise(prompt),
        annotate: (details) => this._detector.annotate(details),
        clearHookPrompt: (cause) => this._detector.clearHookPrompt(cause),
        hookOptions: () => getCli(this._cliType).witnesses?.hookApproval,
        drift: (kind, sample) => this._options.drift?.recordDrift({ cli: this._cliType, ...(this._cliVersion !== undefined ? { cliVersion: this._cliVersion } : {}), kind, sample }),
      }),
    );
    this._register(this._detector.onEvent((event) => event.type === 'waiting_for_input' && this._crossCheck.screenPrompt(event)));
    this._register(this.screen.onWriteParsed(() => this._noteOutput()));
    this._cliVersion = _options.cliVersion;
    if (this._cliVersion !== undefined && _options.cli !== 'auto') this._checkVerified();
    this._register({ dispose: () => (this._timer?.dispose(), this._fallbackTimer?.dispose()) });
  }

  /** The CLI whose parser reads this screen ('generic' until `auto` has decided). */
  get cliType(): CliType {
    return this._cliType;
  }

  /** The CLI's version, once known (package or screen). */
  get cliVersion(): string | undefined {
    return this._cliVersion;
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
    this._suppressFallback();
    this._crossCheck.input();
    this._detector.userInput(keyResponse(data, this._detector.live?.prompt));
    return true;
  }

  /** Marks the live prompt answered (before its keys are written): `response` is its keys or `input`. */
  answered(promptId: string, response?: string, cause?: ClearCause): void {
    if (this._detector.live?.event.prompt_id === promptId) this._suppressFallback();
    this._detector.answered(promptId, response, cause);
  }

  /** Time since output last reached the screen (ms, the pipeline's clock). */
  get quietMs(): number {
    return this._options.clock.now() - this._lastOutputAt;
  }

  /**
   * One event the agent said about itself (hook payload or transcript line, read by its CLI's
   * witness): evidence the cross-check weighs against the screen (crossCheck.ts). @throws never
   */
  evidence(event: AgentEvent): void {
    this._crossCheck.evidence(event);
  }

  /** The draft in the input box as last read ('' when empty or none is drawn). */
  get inputBox(): InputBox {
    return this._inputBox;
  }

  /** A live prompt is being acted on: what the fallback reads on this screen now is answered too. */
  private _suppressFallback(): void {
    this._candidate = undefined;
    if (!this._detector.live || !this._fallbackApplies()) return;
    const prompt = readFallbackPrompt(this.screen.snapshot());
    this._fallbackSuppressed = prompt ? promptIdentity(prompt) : undefined;
  }

  /** Typed text was submitted (typedSubmit.ts saw the input let go of it): a turn began; the screen is read again. */
  submitted(): void {
    this._detector.turnStarted();
    this._noteOutput();
  }

  /**
   * Typed text was refused (typedSubmit.ts: PROMPT_CHANGED, INPUT_NOT_ECHOED): nothing was
   * submitted, so whatever prompt the screen shows is reported again, the answered one included.
   */
  typingFailed(): void {
    this._detector.unsuppress();
    this._fallbackSuppressed = undefined;
    this._noteOutput();
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
    this._fallbackTimer?.dispose();
    this._fallbackTimer = undefined;
    this._detector.exited();
    this._setActivity({ status: 'exited' });
  }

  /**
   * Reads the screen now and returns the parser's verdict (used at answer time). While a prompt
   * of the fallback reader is live and the parser still sees nothing, the fallback's reading.
   */
  readVerdict(): Verdict {
    const snapshot = this.screen.snapshot();
    const verdict = this._parse(snapshot);
    const live = this._detector.live;
    // A prompt only a hook announced stands while the screen shows no other prompt.
    if (live?.prompt.source === 'hook' && verdict.state !== 'waiting') return { state: 'waiting', prompt: live.prompt };
    if (verdict.state !== 'unknown' || live?.prompt.confidence !== 'low') return verdict;
    const prompt = readFallbackPrompt(snapshot);
    return prompt ? { state: 'waiting', prompt } : verdict;
  }

  /** The parser's verdict on `snapshot` ('unknown' until a parser is chosen). */
  private _parse(snapshot: ScreenSnapshot): Verdict {
    const parser = this._resolveParser(snapshot);
    if (!parser) return { state: 'unknown' };
    const now = this._options.clock.now();
    return parser.parse(snapshot, now, { quietMs: now - this._lastOutputAt });
  }

  /**
   * The fallback reader's verdict when the parser saw nothing: a prompt only once the same one
   * has been on screen for FALLBACK_HOLD_MS (a re-read is scheduled for then).
   */
  private _readFallback(snapshot: ScreenSnapshot, now: number): Verdict | undefined {
    const prompt = readFallbackPrompt(snapshot);
    if (!prompt) {
      this._candidate = undefined;
      this._fallbackSuppressed = undefined;
      this._detector.clearLowConfidence();
      return undefined;
    }
    const identity = promptIdentity(prompt);
    if (identity === this._fallbackSuppressed) return undefined;
    this._fallbackSuppressed = undefined;
    if (this._candidate?.identity !== identity) this._candidate = { identity, since: now };
    const due = this._candidate.since + FALLBACK_HOLD_MS;
    if (now >= due) return { state: 'waiting', prompt };
    this._fallbackTimer?.dispose();
    this._fallbackTimer = this._options.clock.setTimeout(() => {
      this._fallbackTimer = undefined;
      this._firstPendingAt ??= this._options.clock.now();
      this._timer ??= this._options.clock.setTimeout(() => this._onTimer(), 0);
    }, due - now);
    return undefined;
  }

  /** True when the fallback reader may run: on, and the CLI known and not opted out (shells, unknown commands). */
  private _fallbackApplies(): boolean {
    return this._options.fallback !== false && this._parser !== undefined && getCli(this._cliType).fallback !== false;
  }

  /** Reads the version off the screen until it is known. */
  private _readVersion(snapshot: ScreenSnapshot): void {
    if (this._cliVersion !== undefined || this._parser === undefined) return;
    const version = getCli(this._cliType).versions?.fromScreen?.(snapshot);
    if (version === undefined) return;
    this._cliVersion = version;
    this._checkVerified();
    this._onDidReadVersion.fire(version);
  }

  /** Reports a version its descriptor does not list as verified. */
  private _checkVerified(): void {
    const verified = getCli(this._cliType).versions?.verified;
    if (!verified || this._cliVersion === undefined || verified.includes(this._cliVersion)) return;
    this._options.drift?.recordDrift({
      cli: this._cliType,
      cliVersion: this._cliVersion,
      kind: 'unverified_version',
      sample: `verified: ${verified.join(', ')}`,
    });
  }

  /** Counts a fallback prompt as drift: the CLI's parser did not know this screen. */
  private _reportFallback(event: WaitingForInputEvent): void {
    const question = event.prompt_content.split('\n').pop() ?? '';
    const labels = event.options.map((o) => o.label).join(' / ');
    this._options.drift?.recordDrift({
      cli: this._cliType,
      ...(this._cliVersion !== undefined ? { cliVersion: this._cliVersion } : {}),
      kind: 'fallback_prompt',
      sample: `${event.wait_type}: ${question} [${labels}]`,
    });
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
    const snapshot = this.screen.snapshot();
    const parsed = this._parse(snapshot);
    this._readVersion(snapshot);
    let verdict = parsed;
    if (parsed.state === 'unknown' && this._fallbackApplies()) verdict = this._readFallback(snapshot, now) ?? parsed;
    else this._candidate = undefined;
    if (verdict.state === 'waiting') verdict = { state: 'waiting', prompt: this._crossCheck.decorate(verdict.prompt) };
    this._lastVerdict = verdict;
    this._lastReadAt = now;
    this._detector.observe(this._lastVerdict);
    if (verdict.state === 'busy') this._setActivity({ status: 'busy', operation: verdict.activity, todo: verdict.todo });
    else if (verdict.state === 'waiting') this._setActivity({ status: verdict.prompt.waitType === 'awaiting_response' ? 'idle' : 'waiting' });
    if (verdict.state === 'waiting' && verdict.prompt.waitType === 'awaiting_response') this._readInputBox();
    // A forced read (output still flowing) is followed by one read of the settled screen, so a
    // parser may trust `quietMs` without missing a prompt drawn at the end of a burst.
    if (now - this._lastOutputAt < QUIET_MS) {
      this._firstPendingAt = now;
      this._timer = this._options.clock.setTimeout(() => this._onTimer(), Math.max(1, Math.ceil(this._lastOutputAt + QUIET_MS - now)));
    }
  }

  /** The expiry of a prompt of `waitType` shown at `timestamp` (ISO 8601): that time plus the rule's timeout. */
  private _expiryOf(waitType: WaitType, timestamp: string): { expires_at: string; on_timeout: ApprovalRule['onTimeout'] } | undefined {
    if (!EXPIRING_WAIT_TYPES.includes(waitType)) return undefined;
    const rule = this._options.approvalRule?.(waitType, this._cliType);
    if (rule === undefined || rule.timeoutMs <= 0) return undefined;
    return { expires_at: new Date(Date.parse(timestamp) + rule.timeoutMs).toISOString(), on_timeout: rule.onTimeout };
  }

  /** Reads the idle box's draft and fires `onInputBox` when it or the cursor moved. */
  private _readInputBox(): void {
    const box = readInputBox(this._cliType, this.screen.snapshot());
    if (box === undefined) return;
    if (box.text === this._inputBox.text && box.cursor === this._inputBox.cursor) return;
    this._inputBox = box;
    this._onInputBox.fire(box);
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

  private _resolveParser(snapshot: ScreenSnapshot): IPromptParser | undefined {
    if (this._parser) return this._parser;
    // Until a banner (or a shell prompt) shows, nothing is reported: an unknown program never
    // raises a false alarm, and a slow CLI (OpenCode takes tens of seconds) is still found.
    const detected = detectCliFromScreen(snapshot);
    if (!detected) return undefined;
    this._cliType = detected;
    this._parser = this._options.parserOff ? BLIND_PARSER : getParser(this._cliType);
    if (this._cliVersion !== undefined) this._checkVerified();
    return this._parser;
  }
}

/** Longest raw input reported as a key in `waiting_cleared.response` (an escape sequence, a digit). */
const MAX_KEY_RESPONSE = 16;
/** A single key: a control character, or an escape sequence (CSI/SS3 or ESC + one character). */
const SINGLE_KEY = /^(?:[\x00-\x1f\x7f]|\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?)$/su;

/**
 * What raw input that clears a prompt is reported as: the bytes when they are one of the
 * prompt's option or cancel keys or a single key (Esc, Enter, an arrow), else `input` (typed
 * text stays private).
 */
export function keyResponse(data: string, prompt: { readonly options: ReadonlyArray<{ readonly keys: string }>; readonly cancelKeys?: string } | undefined): string {
  if (data.length > MAX_KEY_RESPONSE) return 'input';
  if (prompt?.options.some((option) => option.keys === data) || prompt?.cancelKeys === data) return data;
  return SINGLE_KEY.test(data) ? data : 'input';
}
