/**
 * `npm run bench`: prints Tether's measured figures (not a test).
 *  1. ingest throughput of the full pipeline (bytes → screen → parser → detector) against bare
 *     @xterm/headless on the same bytes, as a ratio;
 *  2. detection latency in wall-clock time from writing a prompt's last chunk into a live
 *     pipeline to its waiting_for_input (p50/p99 over the fixtures);
 *  3. RSS per idle session with 10 sessions open;
 *  4. `tether replay` of 25 MB of Claude-style redraws against bare @xterm/headless, as whole
 *     processes on the same cast (replayBench.ts);
 *  5. live ingest through real PTYs: a session in a daemon printing 24 MB of the same redraws,
 *     with no client and with one phone subscribed, against bare node-pty + @xterm/headless
 *     (liveBench.ts), and the detection latency through a real PTY (ptyLatencyBench.ts);
 *  6. the agent's own voice: the same ingest with hooks posting and a transcript growing against
 *     a quiet agent, and an HTTP hook's round trip (voiceBench.ts).
 */
import xtermHeadless from '@xterm/headless';
import type { CliType, IDisposable } from '../../src/common/index.js';
import { DetectionPipeline } from '../../src/core/detectionPipeline.js';
import { systemClock } from '../../src/core/clocks.js';
import { loadFixtures } from './fixtureSet.js';
import { formatReplay, measureReplay } from './replayBench.js';
import { formatLive, measureLive } from './liveBench.js';
import { measurePtyLatency } from './ptyLatencyBench.js';
import { formatVoice, measureVoice } from './voiceBench.js';
import type { Fixture } from './fixtureSet.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const { Terminal } = xtermHeadless as unknown as typeof import('@xterm/headless');

/** Alternating timed rounds per side. */
const THROUGHPUT_ROUNDS = 3;
/** Alternating rounds of the whole-process replay comparison. */
const REPLAY_ROUNDS = 3;
/** Rounds of the live comparison (bare, no client, one phone each). */
const LIVE_ROUNDS = 3;
/** Bytes of output the throughput run pushes through each side (repeats the fixtures). */
const THROUGHPUT_BYTES = 16 * 1024 * 1024;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function outputChunks(fixtures: Fixture[]): string[] {
  const base = fixtures.flatMap((f) => f.cast.events.filter((e) => e[1] === 'o').map((e) => e[2]));
  const chunks: string[] = [];
  let bytes = 0;
  while (bytes < THROUGHPUT_BYTES && base.length > 0) {
    for (const chunk of base) {
      chunks.push(chunk);
      bytes += chunk.length;
    }
  }
  return chunks;
}

async function timeBare(chunks: string[]): Promise<number> {
  const terminal = new Terminal({ cols: 120, rows: 40, scrollback: 5000, allowProposedApi: true });
  const start = performance.now();
  for (const chunk of chunks) terminal.write(chunk);
  await new Promise<void>((resolve) => terminal.write('', resolve));
  const elapsed = performance.now() - start;
  terminal.dispose();
  return elapsed;
}

async function timePipeline(chunks: string[]): Promise<number> {
  const pipeline = new DetectionPipeline({ sessionId: 'bench', cli: 'claude', cols: 120, rows: 40, clock: systemClock, nextSeq: (() => { let s = 0; return () => ++s; })() });
  const start = performance.now();
  for (const chunk of chunks) pipeline.write(chunk);
  await new Promise<void>((resolve) => pipeline.write('', resolve));
  const elapsed = performance.now() - start;
  pipeline.dispose();
  return elapsed;
}

async function measureLatency(fixtures: Fixture[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const fixture of fixtures) {
    for (const expected of fixture.expect.events.filter((e) => e.type === 'waiting_for_input')) {
      const output = fixture.cast.events.filter((e) => e[1] === 'o' && e[0] <= expected.at + fixture.expect.tolerance_ms / 1000);
      if (output.length === 0) continue;
      const pipeline = new DetectionPipeline({ sessionId: 'bench', cli: fixture.expect.cli as CliType, cols: fixture.cast.header.width, rows: fixture.cast.header.height, clock: systemClock, nextSeq: (() => { let s = 0; return () => ++s; })() });
      let firedAt: number | undefined;
      let armed = false;
      const subscription: IDisposable = pipeline.onEvent((event) => {
        if (armed && event.type === 'waiting_for_input' && event.wait_type === expected.wait_type) firedAt ??= performance.now();
      });
      for (const event of output.slice(0, -1)) await new Promise<void>((resolve) => pipeline.write(event[2], resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      armed = true;
      const start = performance.now();
      pipeline.write(output[output.length - 1][2]);
      const deadline = start + 1000;
      while (firedAt === undefined && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
      if (firedAt !== undefined) latencies.push(firedAt - start);
      subscription.dispose();
      pipeline.dispose();
    }
  }
  return latencies;
}

async function main(): Promise<void> {
  const fixtures = loadFixtures();
  console.log(`fixtures: ${fixtures.length}`);
  const chunks = outputChunks(fixtures);
  const megabytes = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0) / 1e6;
  // Alternate the two sides so neither profits from a warmer JIT; keep the best of each.
  let bare = Infinity;
  let full = Infinity;
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    bare = Math.min(bare, await timeBare(chunks));
    full = Math.min(full, await timePipeline(chunks));
  }
  console.log(`throughput  bare @xterm/headless: ${(megabytes / (bare / 1000)).toFixed(1)} MB/s   full pipeline: ${(megabytes / (full / 1000)).toFixed(1)} MB/s   ratio ${(bare / full).toFixed(2)} (target ≥ 0.70)`);
  console.log(formatReplay(await measureReplay(REPLAY_ROUNDS)));
  console.log(formatLive(await measureLive(LIVE_ROUNDS)));
  console.log(formatVoice(await measureVoice(LIVE_ROUNDS)));
  const latencies = await measureLatency(fixtures);
  console.log(`latency     n=${latencies.length}  p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  max ${Math.max(...latencies).toFixed(1)} ms (target p99 ≤ 150 ms)`);
  const pty = await measurePtyLatency(fixtures);
  console.log(`latency     through a PTY: n=${pty.samples.length} (${pty.missed} not reported)  p50 ${percentile(pty.samples, 50).toFixed(1)} ms  p99 ${percentile(pty.samples, 99).toFixed(1)} ms  max ${Math.max(...pty.samples).toFixed(1)} ms (target p99 ≤ 150 ms)`);
  const hosted = await measurePtyLatency(fixtures, true);
  console.log(`latency     through a session host: n=${hosted.samples.length} (${hosted.missed} not reported)  p50 ${percentile(hosted.samples, 50).toFixed(1)} ms  p99 ${percentile(hosted.samples, 99).toFixed(1)} ms  max ${Math.max(...hosted.samples).toFixed(1)} ms (target p99 ≤ 150 ms)`);
  // A fresh process, so the throughput run's heap does not hide the sessions' growth.
  const rssScript = fileURLToPath(new URL('./rssBench.js', import.meta.url));
  const rss = JSON.parse(execFileSync(process.execPath, ['--expose-gc', rssScript, '10'], { encoding: 'utf8' })) as { sessions: number; totalMb: number; perSessionMb: number };
  console.log(`rss         ${rss.sessions} idle sessions: +${rss.totalMb.toFixed(1)} MB, ${rss.perSessionMb.toFixed(2)} MB per session (target ≤ 15 MB)`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
