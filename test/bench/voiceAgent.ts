/**
 * A stand-in for Claude Code in the voice benchmark, run as the session's agent: takes Tether's
 * injection (`--settings <file> --session-id <uuid>`, the secret in `TETHER_HOOK_TOKEN`), waits
 * for one line, then prints a file of redraws (with `cat`) while (when `VOICE_BENCH_LOUD=1`) posting HTTP hook
 * payloads to the URL its settings name every HOOK_EVERY_MS and appending a transcript line to
 * `~/.claude/projects/<cwd>/<id>.jsonl` every LINE_EVERY_MS, like a busy turn. With
 * `VOICE_BENCH_IDLE_HOOKS=n` it instead posts n hooks one after another (an idle daemon) and
 * prints nothing. Each hook's round trip (what Claude Code waits for) is written, in ms, to
 * `VOICE_BENCH_LATENCIES` at exit.
 * `node voiceAgent.js --settings FILE --session-id ID REDRAWS_FILE`
 */
import { spawn } from 'node:child_process';
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

function writeLine(): void {
  lines += 1;
  const result = { type: 'user', uuid: `bench-${lines}`, message: { content: [{ type: 'tool_result', tool_use_id: `toolu_${lines}`, content: 'x'.repeat(1000) }] } };
  appendFileSync(transcript, `${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  mkdirSync(transcriptDir, { recursive: true });
  const idleHooks = Number(process.env.VOICE_BENCH_IDLE_HOOKS ?? 0);
  if (idleHooks > 0) {
    for (let n = 0; n < idleHooks; n++) await postHook(n);
    if (process.env.VOICE_BENCH_LATENCIES) writeFileSync(process.env.VOICE_BENCH_LATENCIES, JSON.stringify(latencies));
    return;
  }
  await createInterface({ input: process.stdin })[Symbol.asyncIterator]().next();
  const timers = loud ? [setInterval(() => void postHook(latencies.length), HOOK_EVERY_MS), setInterval(writeLine, LINE_EVERY_MS)] : [];
  // `cat` prints straight to the terminal, so the hooks and transcript writes here do not slow the output itself.
  await new Promise<void>((resolve, reject) => {
    const cat = spawn('cat', [redraws], { stdio: ['ignore', 'inherit', 'inherit'] });
    cat.on('error', reject);
    cat.on('exit', () => resolve());
  });
  for (const timer of timers) clearInterval(timer);
  if (process.env.VOICE_BENCH_LATENCIES) writeFileSync(process.env.VOICE_BENCH_LATENCIES, JSON.stringify(latencies));
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
