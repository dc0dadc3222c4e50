/**
 * typeAndConfirm against simulated CLIs on a virtual clock: one that captures early input (keys
 * read before its prompt takes over are held, an Enter among them becomes a newline, the text
 * shows only at the hand-over), one that drops an Enter, one without an input reader, and one
 * that opens a dialog right after the submit.
 */
import { describe, expect, it } from 'vitest';
import { ECHO_TIMEOUT_MS, SUBMIT_CHECK_MS, confirmSubmission, typeAndConfirm, type TypedText, type TypingPort } from './typedSubmit.js';

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
  private shownInput: string | undefined;

  constructor(private readonly handOverAt: number) {}

  private tick(): void {
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
    return `history\n${'─'.repeat(40)}\n❯ ${input.replace(/\n/g, '\n  ')}\n${'─'.repeat(40)}\n  ? for shortcuts`;
  }

  readInput(): string | undefined {
    this.tick();
    const input = this.shown();
    return this.dialog ? undefined : input;
  }

  port(withReader: boolean): TypingPort {
    return {
      write: (data) => this.write(data),
      screenText: () => this.screen(),
      ...(withReader ? { readInput: () => this.readInput() } : {}),
      isBusy: () => this.busy,
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

  it('sends Enter after the bounded wait when the text never shows', async () => {
    const cli = new SimulatedCli(Number.POSITIVE_INFINITY);
    const outcome = await typeAndConfirm(cli.port(true), step(), () => cli.now);
    expect(outcome.echoed).toBe(false);
    expect(cli.writes.find((w) => w.data === '\r')!.at).toBeGreaterThanOrEqual(ECHO_TIMEOUT_MS);
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
