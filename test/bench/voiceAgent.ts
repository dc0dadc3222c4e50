/**
 * A stand-in for Claude Code in the voice benchmark, run as the session's agent: takes Tether's
 * injection (`--settings <file> --session-id <uuid>`, the secret in `TETHER_HOOK_TOKEN`), waits
 * for one line, then prints a file of redraws (with `cat`) while (when `VOICE_BENCH_LOUD=1`) posting HTTP hook
 * payloads to the URL its settings name every HOOK_EVERY_MS and appending a transcript line to
 * `~/.claude/projects/<cwd>/<id>.jsonl` every LINE_EVERY_MS, like a busy turn. With
 * `VOICE_BENCH_IDLE_HOOKS=n` it instead posts n hooks one after another (an idle daemon) and
 * prints nothing. With `VOICE_BENCH_PROBE_MS=n` it prints and writes transcript lines like the loud
 * agent but posts hooks one after another, n ms apart, for as long as the output runs (a bigger sample of the round trip
 * during ingest). With `VOICE_BENCH_CURL_HOOKS=n` it runs Codex's command hook (`$SHELL -lc`
 * with curl, codexHookCommand) n times one after another with a hook's JSON on stdin, and prints
 * nothing. Each hook's round trip (what the CLI waits for) is written, in ms, to
 * `VOICE_BENCH_LATENCIES` at exit; a first hook at start warms `fetch` up and is not counted.
 * `node voiceAgent.js --settings FILE --session-id ID REDRAWS_FILE`
 */
import { spawn } from 'node:child_process';
import { codexHookCommand } from '../../parsers/codex/codexVoice.js';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A hook every this many ms while printing (Claude Code's hooks in Tether's settings fire a few times per turn). */
const HOOK_EVERY_MS = 100;
/** A transcript line every this many ms (a tool result of ~1 KB each). */
const LINE_EVERY_MS = 50;

const args = process.argv.slice(2);
const settingsFile = args[args.indexOf('--settings') + 1] ?? '';
const conversationId = args[args.indexOf('--session-id') + 1] ?? '';
const redraws = args[args.length - 1] ?? '';
const loud = process.env.VOICE_BENCH_LOUD === '1';
const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { hooks: Record<string, Array<{ hooks: Array<{ type: string; url?: string }> }>> };
const url = settings.hooks.Notification?.[0]?.hooks[0]?.url ?? '';
const token = process.env.TETHER_HOOK_TOKEN ?? '';
const transcriptDir = join(process.env.HOME ?? '', '.claude', 'projects', process.cwd().replace(/[^A-Za-z0-9]/g, '-'));
const transcript = join(transcriptDir, `${conversationId}.jsonl`);
const latencies: number[] = [];
let lines = 0;

/**
 * One hook whose round trip is not kept: the stand-in's first `fetch` loads undici and opens the
 * connection (~200–350 ms on the bench machine), a cost of this process, not of the daemon.
 */
async function warmUp(): Promise<void> {
  await postHook(-1);
  latencies.length = 0;
}

async function postHook(n: number): Promise<void> {
  const body = JSON.stringify({ session_id: conversationId, hook_event_name: 'Notification', notification_type: 'bench', message: `hook ${n}` });
  const start = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    latencies.push(performance.now() - start);
  } catch {
    latencies.push(Number.NaN);
  }
}

/** Codex's command hook once (its shell, curl, the JSON on stdin), timed to the shell's exit. */
async function runCommandHook(n: number): Promise<void> {
  const command = codexHookCommand({ eventsUrl: url, tokenEnv: 'TETHER_HOOK_TOKEN', forwarder: ['false'] });
  const body = JSON.stringify({ session_id: conversationId, hook_event_name: 'Notification', notification_type: 'bench', message: `hook ${n}` });
  const start = performance.now();
  const ok = await new Promise<boolean>((resolve) => {
    const shell = spawn(process.env.SHELL ?? '/bin/sh', ['-lc', command], { stdio: ['pipe', 'ignore', 'ignore'] });
    shell.on('error', () => resolve(false));
    shell.on('exit', (code) => resolve(code === 0));
    shell.stdin.end(body);
  });
  latencies.push(ok ? performance.now() - start : Number.NaN);
}

/** Posts hooks one after another, `gapMs` apart, until `done` says stop. */
async function probe(gapMs: number, done: () => boolean): Promise<void> {
  while (!done()) {
    await postHook(latencies.length);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

function writeLine(): void {
  lines += 1;
  const result = { type: 'user', uuid: `bench-${lines}`, message: { content: [{ type: 'tool_result', tool_use_id: `toolu_${lines}`, content: 'x'.repeat(1000) }] } };
  appendFileSync(transcript, `${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  mkdirSync(transcriptDir, { recursive: true });
  const idleHooks = Number(process.env.VOICE_BENCH_IDLE_HOOKS ?? 0);
  const curlHooks = Number(process.env.VOICE_BENCH_CURL_HOOKS ?? 0);
  const probeMs = Number(process.env.VOICE_BENCH_PROBE_MS ?? 0);
  // The quiet agent and Codex's command hooks (curl) post nothing through fetch.
  if (loud || idleHooks > 0 || probeMs > 0) await warmUp();
  if (idleHooks > 0 || curlHooks > 0) {
    for (let n = 0; n < idleHooks; n++) await postHook(n);
    for (let n = 0; n < curlHooks; n++) await runCommandHook(n);
    if (process.env.VOICE_BENCH_LATENCIES) writeFileSync(process.env.VOICE_BENCH_LATENCIES, JSON.stringify(latencies));
    return;
  }
  await createInterface({ input: process.stdin })[Symbol.asyncIterator]().next();
  const timers = loud ? [setInterval(() => void postHook(latencies.length), HOOK_EVERY_MS), setInterval(writeLine, LINE_EVERY_MS)] : [];
  if (probeMs > 0) timers.push(setInterval(writeLine, LINE_EVERY_MS));
  let printed = false;
  const probing = probeMs > 0 ? probe(probeMs, () => printed) : Promise.resolve();
  // `cat` prints straight to the terminal, so the hooks and transcript writes here do not slow the output itself.
  await new Promise<void>((resolve, reject) => {
    const cat = spawn('cat', [redraws], { stdio: ['ignore', 'inherit', 'inherit'] });
    cat.on('error', reject);
    cat.on('exit', () => resolve());
  });
  printed = true;
  await probing;
  for (const timer of timers) clearInterval(timer);
  if (process.env.VOICE_BENCH_LATENCIES) writeFileSync(process.env.VOICE_BENCH_LATENCIES, JSON.stringify(latencies));
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
