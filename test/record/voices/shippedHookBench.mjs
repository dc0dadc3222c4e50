#!/usr/bin/env node
// Usage: node test/record/voices/shippedHookBench.mjs [N] [repo root] — no build needed.
// Cost of Tether's shipped hook forwarders, measured as the CLIs run hooks: spawn, write a 600-byte payload on stdin, wait for exit.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
const N = Number(process.argv[2] ?? 30);
const REPO = process.argv[3] ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const PAYLOAD = JSON.stringify({ session_id: '0'.repeat(36), transcript_path: '/home/user/.codex/sessions/x.jsonl', cwd: '/home/user/project', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' }, tool_use_id: 'call_0000', model: 'gpt-5.5', permission_mode: 'default', turn_id: '0'.repeat(36) });
let calls = 0;
const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => { calls += 1; res.writeHead(204).end(); }); });
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${sink.address().port}/api/sessions/s/events`;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-home-'));
const env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', TETHER_HOOK_TOKEN: 'bench-token' };
const q = (v) => `'${v.replaceAll("'", `'\\''`)}'`;
const fwd = [process.execPath, path.join(REPO, 'bin/tether-hook.mjs')];
// Exactly parsers/codex/codexVoice.ts codexHookCommand().
const codexCommand = (curlName) => `if command -v ${curlName} >/dev/null 2>&1; then curl -s -o /dev/null -m 1 --noproxy '*' -H 'content-type: application/json' -H "Authorization: Bearer \${TETHER_HOOK_TOKEN}" --data-binary @- ${q(url)}; else ${fwd.map(q).join(' ')} ${q(url)}; fi >/dev/null 2>&1; exit 0`;
const run = (cmd, args) => new Promise((resolve, reject) => { const c = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'], env }); c.on('error', reject); c.on('exit', resolve); c.stdin.on('error', () => {}); c.stdin.end(PAYLOAD); });
const post = () => new Promise((resolve, reject) => { const r = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }); r.on('response', (s) => s.resume().on('end', resolve)); r.on('error', reject); r.end(PAYLOAD); });
const variants = {
  'HTTP hook (a POST from the CLI process: Claude, Qwen)': post,
  'bash -lc true (the login shell Codex starts per hook, alone)': () => run('bash', ['-lc', 'true']),
  'bash -lc <Tether Codex hook>, curl found': () => run('bash', ['-lc', codexCommand('curl')]),
  'bash -lc <Tether Codex hook>, no curl: node bin/tether-hook.mjs': () => run('bash', ['-lc', codexCommand('no-such-curl')]),
  'exec node bin/tether-hook.mjs (Claude SessionStart, exec form)': () => run(fwd[0], [fwd[1], url]),
};
const cpuChildren = () => { const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' '); return (Number(f[13]) + Number(f[14])) * 10; };
const self = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(variants).map((k) => [k, 0]));
for (let i = 0; i < N; i += 1) for (const [name, fn] of Object.entries(variants)) { const c0 = cpuChildren() + self(); const t0 = performance.now(); await fn(); samples[name].push(performance.now() - t0); cpu[name] += cpuChildren() + self() - c0; }
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10; };
for (const name of Object.keys(variants)) console.log(`p50 ${pct(samples[name], 50)} ms  p90 ${pct(samples[name], 90)}  p99 ${pct(samples[name], 99)}  cpu ${Math.round((cpu[name] / N) * 10) / 10} ms/hook  ${name}`);
console.log(`N ${N}, sink calls ${calls} (expected ${N * 4}), loadavg ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}, ${os.cpus().length} cpus, node ${process.version}`);
sink.close(); fs.rmSync(home, { recursive: true, force: true });
