#!/usr/bin/env node
// Installs the pinned agent CLIs (test/agentClis.json) into .cache/agent-clis, once per
// version set. Runs before the test suite and the fixture recorders; a no-op when current.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(join(root, 'test', 'agentClis.json'), 'utf8'));
const dir = join(root, '.cache', 'agent-clis');
const manifest = { name: 'tether-agent-clis', private: true, dependencies: spec.dependencies, allowScripts: spec.allowScripts };
const stamp = join(dir, '.installed');
const wanted = JSON.stringify(manifest);

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) process.exit(0);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.error(`installing agent CLIs into ${dir}: ${Object.entries(spec.dependencies).map(([n, v]) => `${n}@${v}`).join(' ')}`);
const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
if (result.status !== 0) {
  console.error('agent CLI install failed');
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, wanted);
