/**
 * `npm run soak` (not in CI): a daemon with 8 sessions of real output (recorded casts played
 * in real PTYs) for 30 minutes, and a paired phone that drops its socket and resumes with
 * `since` every minute. Prints RSS (start, after warm-up, end, peak), sequence gaps, repeats,
 * resyncs, lost events and prompts detected against expected, and exits 1 when any fails.
 * Options: --minutes 30 --sessions 8 --reconnect-seconds 60 --away-ms 3000.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../../src/daemon.js';
import { configSchema } from '../../src/store/config.js';
import { SoakClient } from './soakClient.js';
import { completedLoops, startSoakSessions } from './soakSessions.js';

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

/** Seq ranges after `contiguous` up to `last` that never arrived. */
function missingRanges(contiguous: number, ahead: ReadonlySet<number>, last: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let seq = contiguous + 1; seq <= last; seq++) {
    if (ahead.has(seq)) continue;
    const open = ranges.at(-1);
    if (open && open[1] === seq - 1) open[1] = seq;
    else ranges.push([seq, seq]);
  }
  return ranges;
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
  for (let waited = 0; waited < 10_000 && sessions.some((session) => (client.sessions.get(session.id)?.contiguous ?? 0) < session.lastSeq); waited += 100) await sleep(100);
  sample();
  clearInterval(sampler);
  await client.close();

  const rows = [];
  for (const session of sessions) {
    const tally = client.sessions.get(session.id);
    const missing = tally ? missingRanges(tally.contiguous, tally.ahead, session.lastSeq) : [[1, session.lastSeq]];
    rows.push({
      cast: session.cast,
      events: session.lastSeq,
      lost: missing.reduce((sum, [from, to]) => sum + to - from + 1, 0),
      gaps: missing.length,
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
  const failed = rows.some((row) => row.lost !== 0 || row.repeats !== 0 || row.resyncs !== 0 || row.detected !== row.expected || row.prompts_at_client !== row.prompts_owed_to_client);
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
