#!/usr/bin/env node
// Runs the vitest suite. As root with unshare and iproute2 available (CI, this machine), the
// suite runs in a fresh network namespace with only loopback, so the real agent CLIs it
// starts can reach the mock model servers on 127.0.0.1 and nothing else.
import { spawnSync } from 'node:child_process';

// The pinned agent CLIs (Codex, Gemini CLI, OpenCode, Qwen Code) install from the registry
// into .cache/agent-clis first, outside the isolated namespace.
const install = spawnSync(process.execPath, [new URL('./installAgentClis.mjs', import.meta.url).pathname], { stdio: 'inherit' });
if (install.status !== 0) process.exit(install.status ?? 1);

const vitestArgs = ['vitest', 'run', ...process.argv.slice(2)];
const canIsolate =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  process.env.TETHER_TEST_NO_NETNS !== '1' &&
  spawnSync('unshare', ['-n', 'true']).status === 0 &&
  spawnSync('sh', ['-c', 'command -v ip']).status === 0;

const quoted = vitestArgs.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
const result = canIsolate
  ? spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec npx ${quoted}`], { stdio: 'inherit' })
  : spawnSync('npx', vitestArgs, { stdio: 'inherit' });
if (!canIsolate) console.error('note: running without network isolation (needs root, unshare and ip)');
process.exit(result.status ?? 1);
