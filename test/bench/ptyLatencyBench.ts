/**
 * Detection latency through a real PTY: for the first prompt of each wait type in each fixture,
 * a session runs promptPlayer.js, which prints the recording up to the chunk that completes the
 * prompt (the last one before replay reports it); once the session
 * has been quiet for SETTLE_MS a byte on a FIFO makes it print that chunk, and the time from
 * that byte to the session's `waiting_for_input` (wall clock) is one sample.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliType, SessionEvent } from '../../src/common/index.js';
import { SessionManager } from '../../src/core/index.js';
import { replayCast } from '../../src/core/replay.js';
import { HostLauncher } from '../../src/host/hostLauncher.js';
import { defaultHostCommand, hostPtyFactory } from '../../src/host/hostedSessions.js';
import type { Fixture } from './fixtureSet.js';

const PLAYER = fileURLToPath(new URL('./promptPlayer.js', import.meta.url));
/** Quiet time before the keystroke (ms), as the in-process latency bench waits. */
const SETTLE_MS = 300;
/** A prompt not reported within this (ms) gives no sample. */
const DETECT_TIMEOUT_MS = 2000;
/** Longest wait for the player's first output (ms): node starts slowly on a loaded machine. */
const START_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For the first prompt of each wait type in each fixture (as replay reports them): the output up
 * to the chunk that completed it, and that chunk.
 */
async function prompts(fixtures: readonly Fixture[]): Promise<Array<{ fixture: Fixture; waitType: string; before: string; last: string }>> {
  const out: Array<{ fixture: Fixture; waitType: string; before: string; last: string }> = [];
  for (const fixture of fixtures) {
    if (fixture.expect.skip) continue;
    const seen = new Set<string>();
    for (const event of await replayCast(fixture.cast, { cli: fixture.expect.cli as CliType })) {
      if (event.type !== 'waiting_for_input' || event.wait_type === undefined || seen.has(event.wait_type)) continue;
      seen.add(event.wait_type);
      // Replay reads the screen with every chunk recorded before its evaluation (`at`, rounded to ms).
      const output = fixture.cast.events.filter((cast) => cast[1] === 'o' && cast[0] < event.at - 0.001).map((cast) => cast[2]);
      if (output.length >= 2) out.push({ fixture, waitType: event.wait_type, before: output.slice(0, -1).join(''), last: output[output.length - 1] });
    }
  }
  return out;
}

/** Latency samples (ms); prompts reported before their last chunk (the screen without it already showed them); prompts not reported. */
export interface PtyLatencyResult {
  readonly samples: number[];
  early: number;
  missed: number;
}

/**
 * Measures one sample per prompt (see `prompts`).
 * @param hosted run each session's agent in a session host (issue 14), as the daemon does by default
 * @throws Error when `hosted` and the compiled host program is missing (run from dist/)
 */
export async function measurePtyLatency(fixtures: readonly Fixture[], hosted = false): Promise<PtyLatencyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-latency-'));
  const command = hosted ? defaultHostCommand() : undefined;
  if (hosted && !command) throw new Error('no compiled session host beside src/host (run the bench from dist/)');
  const sessions = new SessionManager(command ? { ptyHost: hostPtyFactory(new HostLauncher({ dataDir: join(dir, 'data'), command, orphanExitMs: 1000 })) } : {});
  const result: PtyLatencyResult = { samples: [], early: 0, missed: 0 };
  try {
    for (const { fixture, waitType, before, last } of await prompts(fixtures)) {
      const file = join(dir, 'prompt.json');
      writeFileSync(file, JSON.stringify({ before, last }));
      const trigger = join(dir, `trigger-${result.samples.length + result.early + result.missed}`);
      execFileSync('mkfifo', [trigger]);
      const { width: cols, height: rows } = fixture.cast.header;
      const info = await sessions.create({ cli: process.execPath, args: [PLAYER, file, trigger], cols, rows, cliType: fixture.expect.cli as CliType, cwd: dir });
      let lastOutputAt = 0;
      let firedAt: number | undefined;
      let early = false;
      let armed = false;
      const subscription = sessions.onEvent((event: SessionEvent) => {
        if (!('session_id' in event) || event.session_id !== info.id) return;
        if (event.type === 'pty_output') lastOutputAt = performance.now();
        if (event.type !== 'waiting_for_input' || event.wait_type !== waitType) return;
        if (armed) firedAt ??= performance.now();
        else early = true;
      });
      const startBy = performance.now() + START_TIMEOUT_MS;
      while ((lastOutputAt === 0 || performance.now() - lastOutputAt < SETTLE_MS) && performance.now() < startBy) await sleep(10);
      if (early) {
        result.early++;
      } else {
        armed = true;
        const start = performance.now();
        // Opening the FIFO waits for the player to have it open for reading (it does at start).
        writeFileSync(trigger, 'g');
        while (firedAt === undefined && performance.now() - start < DETECT_TIMEOUT_MS) await sleep(1);
        if (firedAt !== undefined) result.samples.push(firedAt - start);
        else result.missed++;
      }
      subscription.dispose();
      sessions.close(info.id);
    }
  } finally {
    // The last session's host may still wait for its exit to be taken: it gives up after orphanExitMs (1 s here, not the default 5 min).
    sessions.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
