/**
 * `npm run soak` (not in CI): a daemon with 8 sessions of real output (recorded casts played
 * in real PTYs) for 30 minutes, and a paired phone that drops its socket and resumes with
 * `since` every minute. Prints RSS (start, after warm-up, end, peak); per session the output
 * characters lost (and whether a checksum of what the phone appended matches the daemon's),
 * other events lost by type, repeats, resyncs, and prompts detected against expected; and
 * exits 1 when any fails.
 * Options: --minutes 30 --sessions 8 --reconnect-seconds 60 --away-ms 3000.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../../src/daemon.js';
import { configSchema } from '../../src/store/config.js';
import { SoakClient } from './soakClient.js';
import { completedLoops, startSoakSessions, type OutputTally, type SessionTruth } from './soakSessions.js';
import type { SessionTally } from './soakClient.js';

/** RSS is sampled this often (ms). */
const SAMPLE_MS = 10_000;
/** Samples before this are warm-up (ms): sessions start, screens fill their scrollback. */
const WARM_UP_MS = 120_000;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The daemon's output tally as of `seq` (the largest output seq at or below it). */
function tallyAt(truth: SessionTruth, seq: number): OutputTally {
  let best: OutputTally = { chars: 0, sum: 0 };
  let bestSeq = -1;
  for (const [at, tally] of truth.earlyTallies) if (at <= seq && at > bestSeq) [best, bestSeq] = [tally, at];
  return best;
}

/** What the client should have had of a session and did not: output characters, and other events by type. */
function judge(truth: SessionTruth, tally: SessionTally | undefined): { lostChars: number; outputMatches: boolean; lostEvents: Record<string, number> } {
  const base = tallyAt(truth, tally?.firstSeq ?? 0);
  const chars = truth.output.chars - base.chars;
  const sum = (truth.output.sum - base.sum) >>> 0;
  const lostEvents: Record<string, number> = {};
  for (const [seq, type] of truth.others) {
    if (seq > (tally?.firstSeq ?? 0) && !tally?.others.has(seq)) lostEvents[type] = (lostEvents[type] ?? 0) + 1;
  }
  return { lostChars: chars - (tally?.output.chars ?? 0), outputMatches: tally !== undefined && tally.output.chars === chars && tally.output.sum === sum, lostEvents };
}

async function pairPhone(url: string, dataDir: string): Promise<string> {
  const { admin_secret: secret } = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
  const codeReply = await fetch(`${url}/api/admin/pairing-code`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
  const { code } = (await codeReply.json()) as { code: string };
  const pairReply = await fetch(`${url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, device_name: 'soak phone', platform: 'ios' }) });
  return ((await pairReply.json()) as { token: string }).token;
}

async function main(): Promise<number> {
  const minutes = option('minutes', 30);
  const sessionCount = option('sessions', 8);
  const reconnectMs = option('reconnect-seconds', 60) * 1000;
  const awayMs = option('away-ms', 3000);
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-soak-'));
  const problems: string[] = [];
  const daemon = await startDaemon({
    config: configSchema.parse({ push: { enabled: false } }),
    dataDir,
    port: 0,
    log: (level, message, fields) => {
      if (level === 'error' || level === 'warn') problems.push(`${level}: ${message} ${JSON.stringify(fields ?? {})}`.slice(0, 300));
    },
  });
  const started = Date.now();
  const samples: Array<{ atMs: number; rss: number; heap: number }> = [];
  const sample = () => {
    const usage = process.memoryUsage();
    samples.push({ atMs: Date.now() - started, rss: usage.rss, heap: usage.heapUsed });
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  const sessions = await startSoakSessions(daemon, sessionCount);
  const ids = sessions.map((session) => session.id);
  const client = new SoakClient(`${daemon.url.replace(/^http/, 'ws')}/ws`, await pairPhone(daemon.url, dataDir));
  await client.connect(ids);
  const endAt = started + minutes * 60_000;
  while (Date.now() + reconnectMs < endAt) {
    await sleep(reconnectMs);
    await client.reconnect(ids, awayMs);
    process.stderr.write(`soak: ${Math.round((Date.now() - started) / 60_000)} min, RSS ${mb(process.memoryUsage().rss)} MB, ${client.reconnects} resumes\n`);
  }
  await sleep(Math.max(0, endAt - Date.now()));
  // End every session, so the last seq is final, and let the client catch up before judging it.
  for (const session of sessions) daemon.sessions.close(session.id);
  for (let waited = 0; waited < 10_000 && sessions.some((session) => !session.exited); waited += 100) await sleep(100);
  for (let waited = 0; waited < 10_000 && sessions.some((session) => (client.sessions.get(session.id)?.lastSeq ?? 0) < session.lastSeq); waited += 100) await sleep(100);
  sample();
  clearInterval(sampler);
  await client.close();

  const rows = [];
  for (const session of sessions) {
    const tally = client.sessions.get(session.id);
    const { lostChars, outputMatches, lostEvents } = judge(session, tally);
    rows.push({
      cast: session.cast,
      events: session.lastSeq,
      output_chars_lost: lostChars,
      output_matches: outputMatches,
      lost_events: lostEvents,
      repeats: tally?.repeats ?? 0,
      deduped: tally?.deduped ?? 0,
      resyncs: tally?.resyncs ?? 0,
      prompts_at_client: tally?.prompts ?? 0,
      prompts_owed_to_client: session.promptSeqs.filter((seq) => seq > (tally?.firstSeq ?? 0)).length,
      prompts_detected: session.prompts,
      ...(await completedLoops(session)),
    });
  }
  const afterWarmUp = samples.find((entry) => entry.atMs >= WARM_UP_MS) ?? samples[0];
  const report = {
    minutes,
    sessions: sessionCount,
    resumes: client.reconnects,
    rss_mb: { start: mb(samples[0].rss), after_warm_up: mb(afterWarmUp.rss), end: mb(samples.at(-1)!.rss), peak: mb(Math.max(...samples.map((entry) => entry.rss))) },
    heap_mb: { after_warm_up: mb(afterWarmUp.heap), end: mb(samples.at(-1)!.heap), peak: mb(Math.max(...samples.map((entry) => entry.heap))) },
    sessions_detail: rows,
    daemon_warnings: problems.slice(0, 20),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  await daemon.stop({ stopSessions: true });
  rmSync(dataDir, { recursive: true, force: true });
  const failed = rows.some((row) => !row.output_matches || Object.keys(row.lost_events).length > 0 || row.repeats !== 0 || row.resyncs !== 0 || row.detected !== row.expected || row.prompts_at_client !== row.prompts_owed_to_client);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
