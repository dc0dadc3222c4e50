/**
 * The soak's sessions: recorded casts (one per CLI) played by playCast.ts in real PTYs of a
 * daemon, and the daemon-side truth about them: every event's seq, the prompts detected, and
 * the loops played (from playCast's markers), so prompts can be checked per complete loop.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Daemon } from '../../src/daemon.js';
import { parseCast } from '../../src/core/asciicast.js';
import { replayCast } from '../../src/core/replay.js';
import { loopedCast } from './playCast.js';
import { REPO_ROOT } from '../support/repoRoot.js';

/**
 * Casts whose output alone (no keystrokes) gives the prompts their expect file lists, one per
 * CLI family, ordered so any count of sessions mixes CLIs.
 */
export const SOAK_CASTS = [
  'claude/bash-approve.120x40',
  'codex/exec-approve.120x40',
  'gemini/shell-approve.120x40',
  'opencode/bash-approve.120x40',
  'qwen/shell-approve.120x40',
  'shell/long-output.120x40',
  'aider/confirm-prompts.120x40',
  'claude/plan-accept.120x40',
];

/** The daemon's record of one soak session. */
export interface SessionTruth {
  readonly id: string;
  readonly cast: string;
  readonly cli: string;
  /** Prompts the cast's expect file lists per loop. */
  readonly promptsPerLoop: number;
  lastSeq: number;
  exited: boolean;
  prompts: number;
  /** The seq of every prompt, to count those a client subscribed later must have seen. */
  readonly promptSeqs: number[];
  /** `promptsAtLoop[n]`: prompts detected before loop n+1 began (index 0: before loop 1). */
  readonly promptsAtLoop: number[];
  carry: string;
  /** Every other event's seq and type (pty_output aside), to judge what a client missed. */
  readonly others: Map<number, string>;
  /** Output so far: characters and the sum of their code units (mod 2^32), as `outputTally`. */
  readonly output: OutputTally;
  /** The output tally at each of the first MAX_EARLY_TALLIES output seqs (a client subscribes early). */
  readonly earlyTallies: Map<number, OutputTally>;
}

/** Characters of output and the sum of their UTF-16 code units mod 2^32: loss or duplication shows. */
export interface OutputTally {
  chars: number;
  sum: number;
}

/** Adds `data` to `tally`. */
export function outputTally(tally: OutputTally, data: string): void {
  tally.chars += data.length;
  let sum = tally.sum;
  for (let i = 0; i < data.length; i++) sum = (sum + data.charCodeAt(i)) >>> 0;
  tally.sum = sum;
}

const MAX_EARLY_TALLIES = 50_000;

const LOOP_MARKER = /\x1b\]7718;LOOP (\d+)\x07/g;

/**
 * Starts `count` sessions playing the soak casts and tracks them.
 * @throws TetherError SPAWN_FAILED | SESSION_LIMIT from the daemon
 */
export async function startSoakSessions(daemon: Daemon, count: number): Promise<SessionTruth[]> {
  // The player runs under node: Tether gives hooks only to a CLI's own program (not to a stand-in borrowing its parser).
  const player = fileURLToPath(new URL('./playCast.js', import.meta.url));
  const truths = new Map<string, SessionTruth>();
  daemon.sessions.onEvent((event) => {
    const truth = 'session_id' in event ? truths.get(event.session_id) : undefined;
    if (!truth || !('seq' in event)) return;
    truth.lastSeq = Math.max(truth.lastSeq, event.seq);
    if (event.type === 'session_closed') truth.exited = true;
    if (event.type === 'waiting_for_input') {
      truth.prompts++;
      truth.promptSeqs.push(event.seq);
    }
    if (event.type !== 'pty_output') {
      truth.others.set(event.seq, event.type);
      return;
    }
    outputTally(truth.output, event.data);
    if (truth.earlyTallies.size < MAX_EARLY_TALLIES) truth.earlyTallies.set(event.seq, { ...truth.output });
    const text = truth.carry + event.data;
    for (const match of text.matchAll(LOOP_MARKER)) truth.promptsAtLoop[Number(match[1]) - 1] ??= truth.prompts;
    truth.carry = text.slice(-32);
  });
  const sessions: SessionTruth[] = [];
  for (let i = 0; i < count; i++) {
    const cast = SOAK_CASTS[i % SOAK_CASTS.length];
    const file = join(REPO_ROOT, 'fixtures', `${cast}.cast`);
    const expect = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures', `${cast}.expect.json`), 'utf8')) as { cli: string; cols: number; rows: number; events: Array<{ type: string }> };
    const info = await daemon.sessions.create({ cli: process.execPath, args: [player, file], cols: expect.cols, rows: expect.rows, cliType: expect.cli, name: `soak ${i + 1}: ${cast}` });
    const truth: SessionTruth = { id: info.id, cast, cli: expect.cli, promptsPerLoop: expect.events.filter((event) => event.type === 'waiting_for_input').length, lastSeq: 0, exited: false, prompts: 0, promptSeqs: [], promptsAtLoop: [], carry: '', others: new Map(), output: { chars: 0, sum: 0 }, earlyTallies: new Map() };
    truths.set(info.id, truth);
    sessions.push(truth);
  }
  return sessions;
}

/**
 * Loops a session completed (it started the next one after), the prompts detected live in
 * them, and the prompts a replay of the same bytes on the same schedule detects (expected).
 */
export async function completedLoops(truth: SessionTruth): Promise<{ loops: number; detected: number; expected: number; expected_by_fixture: number }> {
  const started = truth.promptsAtLoop.length;
  const loops = Math.max(0, started - 1);
  const detected = loops > 0 ? (truth.promptsAtLoop[started - 1] ?? 0) - (truth.promptsAtLoop[0] ?? 0) : 0;
  const cast = parseCast(readFileSync(join(REPO_ROOT, 'fixtures', `${truth.cast}.cast`), 'utf8'));
  const { input, nextLoopAt } = loopedCast(cast, loops);
  const replayed = await replayCast(input, { cli: truth.cli });
  const expected = replayed.filter((event) => event.type === 'waiting_for_input' && event.at < nextLoopAt).length;
  return { loops, detected, expected, expected_by_fixture: loops * truth.promptsPerLoop };
}
