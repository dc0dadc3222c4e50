/**
 * What one hook costs, measured the way the CLIs run hooks: spawn the hook (through a shell,
 * or exec'd directly), write a real PreToolUse payload to its stdin, wait for it to exit; or,
 * for an HTTP hook, POST the payload and wait for the answer. Each variant runs `N` times
 * against the study's sink; the figures are wall-clock ms (p50/p90/p99/max).
 *   node dist/test/record/voices/forwarderBench.js [N] [out.json]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../support/repoRoot.js';
import { startHookSink, type HookSink } from './hookSink.js';
import { stats, type Stats } from './latency.js';
import { CURL_FORWARDER, NODE_FORWARDER } from './study.js';

/** A Claude 2.1.197 PreToolUse payload (observed), about 600 bytes. */
const PAYLOAD = JSON.stringify({
  session_id: '00000000-0000-4000-8000-000000000000',
  transcript_path: '/home/user/.claude/projects/-home-user-project/00000000-0000-4000-8000-000000000000.jsonl',
  cwd: '/home/user/project',
  prompt_id: '00000000-0000-4000-8000-000000000001',
  permission_mode: 'default',
  effort: { level: 'high' },
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' },
  tool_use_id: 'toolu_00000000000000000000',
});

/** One way of running a hook. */
interface Variant {
  readonly name: string;
  run(sink: HookSink): Promise<void>;
}

/** An empty HOME, so login shells read no profile (a real user's profile can cost seconds). */
const EMPTY_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-voices-bench-home-'));
const HOOK_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: EMPTY_HOME, LANG: 'C.UTF-8' };

function spawnHook(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'ignore', 'ignore'], env: HOOK_ENV });
    child.on('error', reject);
    child.on('exit', () => resolve());
    // A hook that exits without reading its stdin (`true`) makes the write fail with EPIPE; that is fine.
    child.stdin.on('error', () => undefined);
    child.stdin.end(PAYLOAD);
  });
}

function postHook(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('response', (response) => response.resume().on('end', () => resolve()));
    request.on('error', reject);
    request.end(PAYLOAD);
  });
}

/** CPU time (ms, user + system) of this process's waited-for children so far (/proc/self/stat cutime + cstime, 100 Hz ticks). */
function childCpuMs(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // After the command name: field 3 is index 0, so cutime (16) and cstime (17) are 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** CPU time (ms) of this process itself. */
function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

const url = (sink: HookSink, name: string): string => `${sink.url}/hook/bench/${name}`;
const node = process.execPath;

const VARIANTS: Variant[] = [
  { name: 'http POST from the CLI process (HTTP hook)', run: (sink) => postHook(url(sink, 'http')) },
  { name: 'bash -c true (shell start, no forwarder)', run: () => spawnHook('bash', ['-c', 'true']) },
  { name: 'exec curl (no shell)', run: (sink) => spawnHook('curl', ['-s', '-o', '/dev/null', '-m', '1', '--noproxy', '*', '--data-binary', '@-', url(sink, 'curl-exec')]) },
  { name: 'exec forward.sh (sh + curl)', run: (sink) => spawnHook(CURL_FORWARDER, [url(sink, 'sh-curl')]) },
  { name: 'bash -c "forward.sh URL" (shell form, sh + curl)', run: (sink) => spawnHook('bash', ['-c', `${CURL_FORWARDER} ${url(sink, 'bash-sh-curl')}`]) },
  { name: 'exec node forward.mjs (no shell)', run: (sink) => spawnHook(node, [NODE_FORWARDER, url(sink, 'node-exec')]) },
  { name: 'bash -c "node forward.mjs URL" (shell form)', run: (sink) => spawnHook('bash', ['-c', `${node} ${NODE_FORWARDER} ${url(sink, 'bash-node')}`]) },
  { name: 'bash -lc "forward.sh URL" (login shell, as Codex runs hooks; empty profile)', run: (sink) => spawnHook('bash', ['-lc', `${CURL_FORWARDER} ${url(sink, 'login-sh-curl')}`]) },
  { name: 'bash -lc "node forward.mjs URL" (login shell, as Codex runs hooks; empty profile)', run: (sink) => spawnHook('bash', ['-lc', `${node} ${NODE_FORWARDER} ${url(sink, 'login-node')}`]) },
  { name: 'exec node bin/tether.js --version (start cost of the whole tether CLI)', run: () => spawnHook(node, [path.join(REPO_ROOT, 'bin/tether.js'), '--version']) },
];

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100);
  const out = process.argv[3];
  const sink = await startHookSink();
  const results: Array<{ name: string; stats: Stats; cpuMsPerHook: number }> = [];
  try {
    // Interleave the variants, so load from other processes hits them alike.
    const samples = new Map<string, number[]>(VARIANTS.map((variant) => [variant.name, []]));
    // CPU time does not depend on how busy the machine is: it is what a hook costs on an idle one.
    const cpu = new Map<string, number>(VARIANTS.map((variant) => [variant.name, 0]));
    for (let round = 0; round < count; round += 1) {
      for (const variant of VARIANTS) {
        const cpuBefore = childCpuMs() + selfCpuMs();
        const started = performance.now();
        await variant.run(sink);
        samples.get(variant.name)!.push(performance.now() - started);
        cpu.set(variant.name, cpu.get(variant.name)! + childCpuMs() + selfCpuMs() - cpuBefore);
      }
    }
    for (const variant of VARIANTS) {
      results.push({ name: variant.name, stats: stats(samples.get(variant.name)!), cpuMsPerHook: Math.round((cpu.get(variant.name)! / count) * 10) / 10 });
    }
  } finally {
    await sink.close();
    fs.rmSync(EMPTY_HOME, { recursive: true, force: true });
  }
  const report = { count, loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim(), cpus: os.cpus().length, node: process.version, results };
  if (out) fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  for (const result of results) console.log(`${JSON.stringify(result.stats)} cpu ${result.cpuMsPerHook} ms  ${result.name}`);
  console.log(`sink calls: ${sink.calls.length}, loadavg ${report.loadavg}`);
}

await main();
