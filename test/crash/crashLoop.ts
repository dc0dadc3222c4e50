/**
 * Crash safety (issue 10): starts the crash worker on one data dir, kills it with SIGKILL at a
 * random moment while it writes, then checks in this process that the store loads, that no
 * file is partial (devices.json and the daemon file parse), and that every acknowledged
 * pairing, token and push report survived. Repeats for N iterations with seeded timing.
 * Run: `npm run crashloop [-- N]` (default 200), or `node dist/test/crash/crashLoop.js N`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeviceStore } from '../../src/store/deviceStore.js';
import { PushHistory, PUSH_HISTORY_LIMIT, historyPath } from '../../src/push/deliveryReport.js';
import { CRASH_CONFIG_FILE, seededRandom } from './crashWorker.js';

/** Longest a worker runs before the kill (ms); the kill lands at a uniform random time below it. */
const MAX_RUN_MS = 400;

/** What the loop found. */
export interface CrashLoopResult {
  readonly iterations: number;
  /** Kills that left a new temp file behind: the kill landed inside an atomic write. */
  readonly killedMidWrite: number;
  readonly acknowledged: { readonly devices: number; readonly tokens: number; readonly reports: number; readonly configs: number };
  /** One line per broken promise (a load that threw, a lost pairing, a partial file), at its first iteration; empty when crash-safe. */
  readonly failures: string[];
}

interface Acknowledged {
  devices: Map<string, string>;
  tokens: Set<string>;
  reports: string[];
  configs: number;
}

/** Runs the worker until `delayMs` after it is ready, kills it, and records its acknowledgements. */
async function runOnce(worker: readonly string[], dataDir: string, seed: number, delayMs: number, acked: Acknowledged): Promise<void> {
  const child = spawn(worker[0], [...worker.slice(1), dataDir, String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffer = '';
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, first, second] = line.split(' ');
      if (kind === 'ready') ready();
      else if (kind === 'paired') acked.devices.set(first, second);
      else if (kind === 'token') acked.tokens.add(first);
      else if (kind === 'untoken') acked.tokens.delete(first);
      else if (kind === 'history') acked.reports.push(first);
      else if (kind === 'config') acked.configs++;
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([isReady, exited]);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
}

/** Checks the data dir against what was acknowledged; returns the failures. */
function verify(dataDir: string, acked: Acknowledged): string[] {
  const failures: string[] = [];
  const fail = (what: string) => failures.push(what);
  let store: DeviceStore;
  try {
    store = new DeviceStore(dataDir);
  } catch (err) {
    fail(`devices.json does not load: ${(err as Error).message}`);
    return failures;
  }
  for (const [deviceId, token] of acked.devices) {
    if (store.authenticate(token)?.device_id !== deviceId) fail(`paired device ${deviceId} is lost`);
  }
  const stored = new Set(store.list().map((registration) => registration.token));
  for (const token of acked.tokens) if (!stored.has(token)) fail(`push token ${token} is lost`);
  const reports = new Set(new PushHistory(historyPath(dataDir)).recent().map((report) => report.prompt_id));
  for (const promptId of acked.reports.slice(-PUSH_HISTORY_LIMIT)) if (!reports.has(promptId)) fail(`push report ${promptId} is lost`);
  if (acked.configs > 0) {
    try {
      JSON.parse(readFileSync(join(dataDir, CRASH_CONFIG_FILE), 'utf8'));
    } catch (err) {
      fail(`${CRASH_CONFIG_FILE} is partial: ${(err as Error).message}`);
    }
  }
  return failures;
}

/**
 * Runs the crash loop.
 * @param worker the command that starts the worker (data dir and seed are appended)
 * @param iterations how many kills
 * @param seed seeds the kill timing and the workers' choices
 */
export async function runCrashLoop(worker: readonly string[], iterations: number, seed = 1): Promise<CrashLoopResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-crash-'));
  const random = seededRandom(seed);
  const acked: Acknowledged = { devices: new Map(), tokens: new Set(), reports: [], configs: 0 };
  const failures: string[] = [];
  let killedMidWrite = 0;
  try {
    for (let iteration = 1; iteration <= iterations; iteration++) {
      const temporaries = () => readdirSync(dataDir).filter((name) => name.endsWith('.tmp')).length;
      const before = temporaries();
      await runOnce(worker, dataDir, seed * 100_000 + iteration, Math.floor(random() * MAX_RUN_MS), acked);
      if (temporaries() > before) killedMidWrite++;
      for (const failure of verify(dataDir, acked)) if (!failures.some((seen) => seen.endsWith(failure))) failures.push(`iteration ${iteration}: ${failure}`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    iterations,
    killedMidWrite,
    acknowledged: { devices: acked.devices.size, tokens: acked.tokens.size, reports: acked.reports.length, configs: acked.configs },
    failures,
  };
}

// Run directly: N iterations against the built worker, figures as JSON, exit 1 on any failure.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const worker = [process.execPath, fileURLToPath(new URL('./crashWorker.js', import.meta.url))];
  const started = Date.now();
  runCrashLoop(worker, Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 1)).then(
    (result) => {
      process.stdout.write(`${JSON.stringify({ ...result, seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
      process.exit(result.failures.length === 0 ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
