import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriftStore } from '../store/driftStore.js';
import { formatDoctor, runDoctor } from './doctorCommand.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tether-doctor-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An agent-CLI cache as test/installAgentClis.mjs leaves it: a manifest and node_modules. */
function cache(packages: Array<{ alias: string; name: string; version: string; command: string }>): string {
  const dir = join(root, 'cache');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: Object.fromEntries(packages.map((p) => [p.alias, p.alias === p.name ? p.version : `npm:${p.name}@${p.version}`])) }));
  for (const p of packages) {
    mkdirSync(join(dir, 'node_modules', p.alias), { recursive: true });
    writeFileSync(join(dir, 'node_modules', p.alias, 'package.json'), JSON.stringify({ name: p.name, version: p.version, bin: { [p.command]: 'cli.js' } }));
  }
  return dir;
}

describe('tether doctor', () => {
  it('lists CLIs on PATH and both versions in the cache, says which are verified, and prints the drift', async () => {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    // A codex on PATH outside any npm package: its version comes from `codex --version`.
    writeFileSync(join(bin, 'codex'), '#!/bin/sh\necho "codex-cli 0.169.0"\n');
    chmodSync(join(bin, 'codex'), 0o755);
    const cacheDir = cache([
      { alias: '@qwen-code/qwen-code', name: '@qwen-code/qwen-code', version: '0.15.10', command: 'qwen' },
      { alias: 'qwen-code-newest', name: '@qwen-code/qwen-code', version: '9.9.9', command: 'qwen' },
    ]);
    const dataDir = join(root, 'data');
    const store = new DriftStore(dataDir, { writeDelayMs: 0, now: () => Date.UTC(2026, 0, 1) });
    store.recordDrift({ cli: 'qwen', cliVersion: '9.9.9', kind: 'fallback_prompt', sample: 'tool_approval: Allow execution?' });
    store.recordDrift({ cli: 'claude', cliVersion: '2.1.197', kind: 'hook_without_screen', sample: 'PermissionRequest Bash' });
    store.recordDrift({ cli: 'claude', cliVersion: '2.1.197', kind: 'hook_without_screen', sample: 'PermissionRequest Bash' });
    const report = await runDoctor({ dataDir, cacheDir, env: { PATH: bin } });
    const mine = report.clis.filter((c) => c.source !== 'repo');
    expect(mine.map((c) => [c.cli, c.version, c.verified, c.source])).toEqual([
      ['codex', '0.169.0', true, 'path'],
      ['qwen', '0.15.10', true, 'cache'],
      ['qwen', '9.9.9', false, 'cache'],
    ]);
    expect(report.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cli: 'qwen', cli_version: '9.9.9', kind: 'fallback_prompt', count: 1 }),
        expect.objectContaining({ cli: 'claude', cli_version: '2.1.197', kind: 'hook_without_screen', count: 2 }),
      ]),
    );
    const text = formatDoctor(report);
    expect(text).toMatch(/Qwen Code\s+qwen\s+9\.9\.9\s+NO\s+cache/);
    expect(text).toMatch(/qwen\s+9\.9\.9\s+fallback_prompt\s+1\s/);
    expect(text).toMatch(/claude\s+2\.1\.197\s+hook_without_screen\s+2\s.*PermissionRequest Bash/);
    expect(text).toContain("hook_without_screen: the CLI's permission hook announced a prompt the screen never showed");
  });

  it('says so when nothing is installed and nothing drifted', async () => {
    const report = await runDoctor({ dataDir: join(root, 'none'), cacheDir: join(root, 'nocache'), env: { PATH: '' } });
    expect(report.drift).toEqual([]);
    expect(formatDoctor({ ...report, clis: [] })).toContain('none found on PATH or in the agent-CLI cache');
    expect(formatDoctor(report)).toContain('none recorded');
  });
});
