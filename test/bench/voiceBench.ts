/**
 * The agent's own voice, measured (issue 9): live ingest of 24 MB of redraws through a session
 * whose agent (voiceAgent.ts, a Claude Code stand-in with Tether's hooks injected) is quiet,
 * against the same session whose agent posts an HTTP hook every 100 ms and appends a 1 KB
 * transcript line every 50 ms while it prints (target: within 10 %), and the round trip of an
 * HTTP hook as the agent waits for it, on an idle daemon and during that ingest (target p99 ≤ 50 ms):
 * beside the loud runs' hooks, one more run per round posts hooks one after another (PROBE_GAP_MS
 * apart) for the whole ingest, so the p99 rests on hundreds of round trips. Codex's command hook
 * (its shell running curl, codexHookCommand) is timed on the idle daemon.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { startDaemon } from '../../src/daemon.js';
import type { Daemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/log.js';
import { configSchema } from '../../src/store/config.js';
import { CORPUS_COLS, CORPUS_ROWS, writeRedrawBytes } from './redrawCorpus.js';

/** Output the agent prints (bytes). */
const VOICE_BYTES = 24e6;
/** Hooks posted one after another on an idle daemon. */
const IDLE_HOOKS = 500;
/** Codex command hooks (a shell and curl each) run one after another on an idle daemon. */
const CURL_HOOKS = 100;
/** Pause between two hooks of the probe run during ingest (ms). */
const PROBE_GAP_MS = 5;
const AGENT = fileURLToPath(new URL('./voiceAgent.js', import.meta.url));

/** The p-th percentile of `values` (NaN-free). */
function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One session of the stand-in: resolves with its wall time (ms, '\r' to session_closed) and its hooks' round trips. */
async function run(daemon: Daemon, dir: string, agent: string, redraws: string, env: Record<string, string>): Promise<{ wallMs: number; cpuMs: number; latencies: number[]; loopDelays: IntervalHistogram }> {
  const latencyFile = join(dir, `latencies-${Date.now()}-${Math.random()}.json`);
  const info = await daemon.sessions.create({ cli: agent, cliType: 'claude', args: [redraws], cols: CORPUS_COLS, rows: CORPUS_ROWS, cwd: dir, env: { ...env, VOICE_BENCH_LATENCIES: latencyFile } });
  const closed = new Promise<void>((done) => {
    const subscription = daemon.sessions.onEvent((event) => {
      if (event.type === 'session_closed' && event.session_id === info.id) (subscription.dispose(), done());
    });
  });
  const loopDelays = monitorEventLoopDelay({ resolution: 1 });
  loopDelays.enable();
  const start = performance.now();
  const cpu = process.cpuUsage();
  await daemon.sessions.sendInput(info.id, '\r', { raw: true });
  await closed;
  const wallMs = performance.now() - start;
  loopDelays.disable();
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  daemon.sessions.remove(info.id);
  let latencies: number[] = [];
  try {
    latencies = JSON.parse(readFileSync(latencyFile, 'utf8')) as number[];
  } catch {
    // the quiet agent posts none
  }
  return { wallMs, cpuMs, latencies, loopDelays };
}

/** Figures of the voice benchmark. */
export interface VoiceBenchResult {
  /** Wall ms per run, quiet agent. */
  readonly quiet: number[];
  readonly loud: number[];
  /** The daemon's (this process's) CPU ms per run. */
  readonly quietCpu: number[];
  readonly loudCpu: number[];
  /** Best quiet wall over best loud wall (target ≥ 0.90). */
  readonly ratio: number;
  /** Best quiet daemon CPU over best loud daemon CPU: Tether's own cost, apart from the agent's. */
  readonly cpuRatio: number;
  readonly idleLatencies: number[];
  /** Round trips of the loud runs' hooks (one every 100 ms) during ingest. */
  readonly busyLatencies: number[];
  /** Round trips of the probe runs' hooks (one after another) during ingest. */
  readonly probeLatencies: number[];
  /** Codex's command hook (shell + curl) on an idle daemon, start to exit (ms). */
  readonly curlLatencies: number[];
  /** The daemon's event-loop delay per probe run (perf_hooks, ms): p99 and max. */
  readonly probeLoopDelays: Array<{ p99: number; max: number }>;
}

/** Options of measureVoice. */
export interface VoiceBenchOptions {
  /** Only the hook round trips (probe runs, idle hooks, Codex's command hook): no quiet/loud comparison. */
  readonly latencyOnly?: boolean;
}

/** Runs `rounds` alternating quiet and loud sessions, then the idle hook round trips. */
export async function measureVoice(rounds: number, bytes = VOICE_BYTES, options: VoiceBenchOptions = {}): Promise<VoiceBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-voice-bench-'));
  const home = join(dir, 'home');
  // In-process agents, like the live benchmark's reference figure; hooks reach it on loopback.
  const daemon = await startDaemon({ config: configSchema.parse({ sessions: { hosted: false } }), dataDir: join(dir, 'data'), host: '127.0.0.1', port: 0, log: silentLogger, sessionEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color' } });
  try {
    const redraws = join(dir, 'redraws.txt');
    await writeRedrawBytes(redraws, bytes);
    // Tether's hook arguments go before the command's own, so the stand-in starts from a script.
    const agent = join(dir, 'claude');
    writeFileSync(agent, `#!/bin/sh\nexec '${process.execPath}' '${AGENT}' "$@"\n`);
    chmodSync(agent, 0o755);
    const quiet: number[] = [];
    const loud: number[] = [];
    const quietCpu: number[] = [];
    const loudCpu: number[] = [];
    const busyLatencies: number[] = [];
    const probeLatencies: number[] = [];
    const probeLoopDelays: Array<{ p99: number; max: number }> = [];
    for (let round = 0; round < rounds; round++) {
      if (!options.latencyOnly) {
        const calm = await run(daemon, dir, agent, redraws, {});
        quiet.push(calm.wallMs);
        quietCpu.push(calm.cpuMs);
        const noisy = await run(daemon, dir, agent, redraws, { VOICE_BENCH_LOUD: '1' });
        loud.push(noisy.wallMs);
        loudCpu.push(noisy.cpuMs);
        busyLatencies.push(...noisy.latencies);
      }
      const probe = await run(daemon, dir, agent, redraws, { VOICE_BENCH_PROBE_MS: String(PROBE_GAP_MS) });
      probeLatencies.push(...probe.latencies);
      probeLoopDelays.push({ p99: probe.loopDelays.percentile(99) / 1e6, max: probe.loopDelays.max / 1e6 });
    }
    const idle = await run(daemon, dir, agent, redraws, { VOICE_BENCH_IDLE_HOOKS: String(IDLE_HOOKS) });
    const curl = await run(daemon, dir, agent, redraws, { VOICE_BENCH_CURL_HOOKS: String(CURL_HOOKS) });
    const ratio = quiet.length > 0 ? Math.min(...quiet) / Math.min(...loud) : Number.NaN;
    const cpuRatio = quiet.length > 0 ? Math.min(...quietCpu) / Math.min(...loudCpu) : Number.NaN;
    return { quiet, loud, quietCpu, loudCpu, ratio, cpuRatio, idleLatencies: idle.latencies, busyLatencies, probeLatencies, curlLatencies: curl.latencies, probeLoopDelays };
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const secondsOf = (runs: number[]) => runs.map((ms) => (ms / 1000).toFixed(2)).join(' ');
const latencyText = (values: number[]) =>
  values.length === 0 ? 'n=0' : `n=${values.length}  p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms  max ${Math.max(...values.filter(Number.isFinite)).toFixed(1)} ms`;

/** Lines for the bench output. */
export function formatVoice(r: VoiceBenchResult): string {
  const comparison = r.quiet.length === 0 ? [] : [
    `voice       24 MB through a PTY with Claude's hooks injected, wall s per run: quiet agent ${secondsOf(r.quiet)}   hooks every 100 ms + transcript line every 50 ms ${secondsOf(r.loud)}   wall ratio ${r.ratio.toFixed(2)} (target ≥ 0.90)`,
    `voice       daemon cpu s per run: quiet ${secondsOf(r.quietCpu)}   loud ${secondsOf(r.loudCpu)}   cpu ratio ${r.cpuRatio.toFixed(2)}`,
  ];
  return [
    ...comparison,
    `voice       HTTP hook round trip, idle daemon: ${latencyText(r.idleLatencies)}   during ingest, hooks every 100 ms: ${latencyText(r.busyLatencies)}`,
    `voice       HTTP hook round trip during ingest, one after another ${PROBE_GAP_MS} ms apart: ${latencyText(r.probeLatencies)} (target p99 ≤ 50 ms)`,
    `voice       the daemon's event-loop delay in those runs, p99/max ms per run: ${r.probeLoopDelays.map((d) => `${d.p99.toFixed(1)}/${d.max.toFixed(1)}`).join(' ')}`,
    `voice       Codex command hook (shell + curl), idle daemon: ${latencyText(r.curlLatencies)}`,
  ].join('\n');
}

// Run directly (`node voiceBench.js [rounds] [--latency]`): print the measurement (--latency: the hook round trips only).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rounds = process.argv.slice(2).find((arg) => /^\d+$/.test(arg));
  measureVoice(Number(rounds ?? 3), VOICE_BYTES, { latencyOnly: process.argv.includes('--latency') }).then(
    (r) => {
      console.log(formatVoice(r));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
