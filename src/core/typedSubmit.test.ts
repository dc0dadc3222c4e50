/**
 * typeAndConfirm against simulated CLIs on a virtual clock: one that captures early input (keys
 * read before its prompt takes over are held, an Enter among them becomes a newline, the text
 * shows only at the hand-over), one that drops an Enter, one without an input reader, one that
 * opens a dialog right after the submit or before the text shows, and one that masks a secret.
 */
import { describe, expect, it } from 'vitest';
import type { WaitType } from '../common/index.js';
import { ECHO_SETTLE_MS, ECHO_TIMEOUT_MS, PROMPT_SETTLE_MS, SUBMIT_CHECK_MS, confirmSubmission, typeAndConfirm, type TypedText, type TypingPort } from './typedSubmit.js';

const TEXT = 'Please create a marker file named created-by-tool.txt now, then stop';

/** A CLI's input box on a virtual clock; `handOverAt` is when its prompt starts reading keys (ms). */
class SimulatedCli {
  now = 0;
  input = '';
  /** Keys read before the hand-over. */
  private captured = '';
  busy = false;
  dialog = false;
  submits = 0;
  /** Enters that reached a dialog (each would answer it). */
  dialogAnswers = 0;
  readonly writes: Array<{ at: number; data: string }> = [];
  /** How many Enters to read as a newline (read in one burst with the text, as a paste). */
  newlineEnters = 0;
  /** Enters are taken but the screen shows the old input until `redrawAt` (ms; a slow redraw). */
  redrawAt = 0;
  /** The input box shows one `*` per character (a secret). */
  masked = false;
  /** A draft longer than this shows as a placeholder (characters). */
  placeholderOver = Number.POSITIVE_INFINITY;
  /** The screen is mid-redraw (the parser reads nothing) until this time (ms). */
  unreadableUntil = 0;
  /** A dialog replaces the input box at this time (ms), whatever was typed. */
  dialogAt = Number.POSITIVE_INFINITY;
  private shownInput: string | undefined;

  constructor(private readonly handOverAt: number) {}

  private tick(): void {
    if (this.now >= this.dialogAt) this.dialog = true;
    if (this.now >= this.handOverAt && this.captured !== '') {
      this.input += this.captured;
      this.captured = '';
    }
  }

  write(data: string): void {
    this.writes.push({ at: this.now, data });
    if (this.now < this.handOverAt) {
      // Captured early: an Enter is stored as a newline, nothing is echoed yet.
      this.captured += data.replace(/\r/g, '\n');
      return;
    }
    for (const char of data === '\r' ? ['\r'] : [data]) {
      if (char !== '\r') this.input += char;
      else if (this.newlineEnters > 0) {
        this.newlineEnters -= 1;
        this.input += '\n';
      } else if (this.dialog) {
        this.dialogAnswers += 1;
      } else if (this.input.trim() !== '') {
        this.submits += 1;
        this.shownInput = this.now < this.redrawAt ? this.input : undefined;
        this.input = '';
        this.busy = this.redrawAt === 0;
      }
    }
  }

  /** What the input box shows now (the old draft until a slow redraw is done). */
  private shown(): string {
    if (this.shownInput !== undefined && this.now < this.redrawAt) return this.shownInput;
    // The slow redraw, when it comes, shows the turn's dialog straight away.
    if (this.shownInput !== undefined) {
      this.shownInput = undefined;
      this.dialog = true;
    }
    return this.input;
  }

  screen(): string {
    this.tick();
    const input = this.shown();
    if (this.dialog) return 'Bash command\n❯ 1. Yes\n  2. No';
    return `history\n${'─'.repeat(40)}\n❯ ${this.mask(input).replace(/\n/g, '\n  ')}\n${'─'.repeat(40)}\n  ? for shortcuts`;
  }

  private mask(input: string): string {
    const [first, ...rest] = input.split('\n');
    if (first.length > this.placeholderOver) return [`[Pasted text #1 +${first.length} chars]`, ...rest].join('\n');
    return this.masked ? '*'.repeat(input.length) : input;
  }

  readInput(): string | undefined {
    this.tick();
    const input = this.shown();
    return this.dialog ? undefined : this.mask(input);
  }

  /** What the CLI's parser would read: the dialog, the idle box, or nothing (busy, mid-redraw). */
  waitType(): WaitType | undefined {
    this.tick();
    if (this.dialog) return 'tool_approval';
    return this.busy || this.now < this.unreadableUntil ? undefined : 'awaiting_response';
  }

  port(withReader: boolean): TypingPort {
    return {
      write: (data) => this.write(data),
      screenText: () => this.screen(),
      ...(withReader ? { readInput: () => this.readInput() } : {}),
      isBusy: () => this.busy,
      waitType: () => this.waitType(),
      nextChange: async (ms) => {
        // Time moves in 10 ms steps; the screen may change at the hand-over.
        this.now += Math.min(ms, 10);
      },
      closed: () => false,
    };
  }
}

const step = (text = TEXT): TypedText => ({ body: text, text, submitKey: '\r', submitDelayMs: 150, pasted: false });

describe('typeAndConfirm', () => {
  it('holds the Enter until the text shows in the input, so early-input capture cannot eat it', async () => {
    const cli = new SimulatedCli(700);
    const outcome = await typeAndConfirm(cli.port(true), step(), () => cli.now);
    expect(outcome).toMatchObject({ echoed: true, submitted: true, retried: false, confirmedBy: 'busy' });
    expect(cli.submits).toBe(1);
    const enter = cli.writes.find((w) => w.data === '\r')!;
    expect(enter.at).toBeGreaterThanOrEqual(700);
    expect(outcome.waitedMs).toBe(enter.at);
  });

  it('keeps the submit pause after a text that shows at once', async () => {
    const cli = new SimulatedCli(0);
    const outcome = await typeAndConfirm(cli.port(true), step(), () => cli.now);
    expect(outcome).toMatchObject({ echoed: true, submitted: true, retried: false });
    expect(cli.writes.find((w) => w.data === '\r')!.at).toBe(150);
  });

  it('would lose the text without the wait: Enter sent before the hand-over becomes a newline', () => {
    const cli = new SimulatedCli(700);
    cli.write(TEXT);
    cli.now = 150;
    cli.write('\r');
    cli.now = 1000;
    expect(cli.readInput()).toBe(`${TEXT}\n`);
    expect(cli.submits).toBe(0);
  });

  it('presses Enter once more when the input shows the first one became a newline', async () => {
    const cli = new SimulatedCli(0);
    cli.newlineEnters = 1;
    const outcome = await typeAndConfirm(cli.port(true), step(), () => cli.now);
    expect(outcome).toMatchObject({ echoed: true, submitted: true, retried: true, confirmedBy: 'busy' });
    expect(cli.writes.filter((w) => w.data === '\r')).toHaveLength(2);
    expect(cli.submits).toBe(1);
  });

  it('never takes a slow redraw for a lost Enter: no second Enter reaches the dialog the turn opened', async () => {
    const cli = new SimulatedCli(0);
    cli.redrawAt = 150 + SUBMIT_CHECK_MS + 500;
    const outcome = await typeAndConfirm(cli.port(true), step(), () => cli.now);
    expect(outcome).toMatchObject({ submitted: false, retried: false });
    expect(cli.writes.filter((w) => w.data === '\r')).toHaveLength(1);
    // Watched further, the submission shows once the screen catches up.
    expect(await confirmSubmission(cli.port(true), outcome.sent!, 5000, () => cli.now)).toBe('input');
    expect(cli.dialogAnswers).toBe(0);
    expect(cli.submits).toBe(1);
  });

  it('never presses Enter again into a dialog that opened after the submit', async () => {
    const cli = new SimulatedCli(0);
    const port = cli.port(true);
    const write = port.write;
    const outcome = await typeAndConfirm(
      {
        ...port,
        write: (data) => {
          write(data);
          // The agent answers at once with a tool call: a dialog replaces the input, not busy yet.
          if (data === '\r') {
            cli.busy = false;
            cli.dialog = true;
          }
        },
      },
      step(),
      () => cli.now,
    );
    expect(outcome).toMatchObject({ submitted: true, retried: false, confirmedBy: 'input' });
    expect(cli.writes.filter((w) => w.data === '\r')).toHaveLength(1);
  });

  it('without an input reader, waits for the screen to show the text', async () => {
    const cli = new SimulatedCli(500);
    const outcome = await typeAndConfirm(cli.port(false), step(), () => cli.now);
    expect(outcome).toMatchObject({ echoed: true, submitted: true, retried: false, confirmedBy: 'busy' });
    expect(cli.writes.find((w) => w.data === '\r')!.at).toBeGreaterThanOrEqual(500);
  });

  it('never sends the submit key for text that does not show: INPUT_NOT_ECHOED after the bounded wait', async () => {
    const cli = new SimulatedCli(Number.POSITIVE_INFINITY);
    await expect(typeAndConfirm(cli.port(true), step(), () => cli.now)).rejects.toMatchObject({ code: 'INPUT_NOT_ECHOED' });
    expect(cli.writes.map((w) => w.data)).toEqual([TEXT]);
    expect(cli.now).toBeGreaterThanOrEqual(ECHO_TIMEOUT_MS);
  });

  it('types nothing when the screen shows another prompt than the one the text is for (PROMPT_CHANGED)', async () => {
    const cli = new SimulatedCli(0);
    cli.dialog = true;
    const error = await typeAndConfirm(cli.port(true), { ...step(), expectWaitType: 'awaiting_response' }, () => cli.now).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROMPT_CHANGED' });
    expect(String((error as Error).message)).not.toContain(TEXT);
    expect(cli.writes).toEqual([]);
    expect(cli.dialogAnswers).toBe(0);
  });

  it('types nothing into a CLI that went busy since the prompt was read (PROMPT_CHANGED after the settle time)', async () => {
    const cli = new SimulatedCli(0);
    cli.busy = true;
    await expect(typeAndConfirm(cli.port(true), { ...step(), expectWaitType: 'awaiting_response' }, () => cli.now)).rejects.toMatchObject({ code: 'PROMPT_CHANGED' });
    expect(cli.writes).toEqual([]);
    expect(cli.now).toBeGreaterThanOrEqual(PROMPT_SETTLE_MS);
  });

  it('waits for a redraw in flight to show the expected prompt, then types', async () => {
    const cli = new SimulatedCli(0);
    cli.unreadableUntil = 300;
    const outcome = await typeAndConfirm(cli.port(true), { ...step(), expectWaitType: 'awaiting_response' }, () => cli.now);
    expect(outcome).toMatchObject({ echoed: true, submitted: true });
    expect(cli.writes[0]).toEqual({ at: 300, data: TEXT });
    expect(cli.submits).toBe(1);
  });

  it('does not submit text that went into a dialog which replaced the input before it showed (PROMPT_CHANGED)', async () => {
    const cli = new SimulatedCli(500);
    cli.dialogAt = 200;
    await expect(typeAndConfirm(cli.port(true), { ...step(), expectWaitType: 'awaiting_response' }, () => cli.now)).rejects.toMatchObject({ code: 'PROMPT_CHANGED' });
    expect(cli.writes.map((w) => w.data)).toEqual([TEXT]);
    expect(cli.dialogAnswers).toBe(0);
    expect(cli.now).toBeLessThan(ECHO_TIMEOUT_MS);
  });

  it('takes a placeholder the input shows for a long text, once it holds still, as its echo; a lost Enter is still retried', async () => {
    for (const withReader of [true, false]) {
      const cli = new SimulatedCli(600);
      cli.placeholderOver = 200;
      cli.newlineEnters = withReader ? 1 : 0;
      const long = `${TEXT} `.repeat(10).trim();
      const outcome = await typeAndConfirm(cli.port(withReader), step(long), () => cli.now);
      expect(outcome, `reader: ${withReader}`).toMatchObject({ echoed: true, submitted: true, retried: withReader });
      expect(cli.submits).toBe(1);
      // Not before the hand-over (nothing changed) nor before the placeholder held still.
      expect(cli.writes.find((w) => w.data === '\r')!.at).toBeGreaterThanOrEqual(600 + ECHO_SETTLE_MS);
    }
  });

  it('takes a masked echo of a secret as shown, and submits it', async () => {
    const cli = new SimulatedCli(0);
    cli.masked = true;
    const secret = 'sk-test-0123456789abcdef0123456789';
    const outcome = await typeAndConfirm(cli.port(true), { ...step(secret), secret: true, expectWaitType: 'awaiting_response' }, () => cli.now);
    expect(outcome).toMatchObject({ echoed: true, submitted: true, retried: false });
    expect(cli.submits).toBe(1);
    expect(cli.writes.find((w) => w.data === '\r')!.at).toBeLessThan(ECHO_SETTLE_MS);
  });

  it('confirms by the input alone when the agent answered before any busy screen was drawn', async () => {
    const cli = new SimulatedCli(0);
    const port = cli.port(true);
    const outcome = await typeAndConfirm({ ...port, isBusy: () => false }, step(), () => cli.now);
    expect(outcome).toMatchObject({ submitted: true, retried: false, confirmedBy: 'input' });
  });

  it('does not claim a confirmation when, without a reader, the screen merely moved', async () => {
    const cli = new SimulatedCli(0);
    const port = cli.port(false);
    const outcome = await typeAndConfirm({ ...port, isBusy: () => false }, step(), () => cli.now);
    expect(outcome.submitted).toBe(true);
    expect(outcome.confirmedBy).toBeUndefined();
  });
});
