import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageOf, versionFromCommand, versionInText } from './cliVersion.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tether-cliversion-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An npm-style install: node_modules/<name>/package.json with a bin, linked from node_modules/.bin. */
function install(name: string, version: string, command: string, binPath: string, dir = name): string {
  const pkgDir = join(root, 'node_modules', dir);
  mkdirSync(join(pkgDir, binPath, '..'), { recursive: true });
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name, version, bin: { [command]: binPath } }));
  writeFileSync(join(pkgDir, binPath), '#!/bin/sh\necho "tool 9.9.9"\n');
  chmodSync(join(pkgDir, binPath), 0o755);
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  const link = join(root, 'node_modules', '.bin', command);
  symlinkSync(join(pkgDir, binPath), link);
  return link;
}

describe('packageOf', () => {
  it('finds the package above a linked executable by its bin, and by a listed name', () => {
    const link = install('@openai/codex', '0.171.0', 'codex', 'bin/codex.js');
    expect(packageOf(link)).toMatchObject({ name: '@openai/codex', version: '0.171.0' });
    expect(packageOf(link, ['@openai/codex'])?.version).toBe('0.171.0');
  });

  it('reads an npm alias install (a second version beside the first) as the real package', () => {
    const link = install('@qwen-code/qwen-code', '0.24.4', 'qwen-newest', 'cli.js', 'qwen-code-newest');
    expect(packageOf(link)).toMatchObject({ name: '@qwen-code/qwen-code', version: '0.24.4' });
  });

  it('does not take a parent project\'s package.json for a loose executable', () => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'project', version: '1.0.0' }));
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'tool'), '#!/bin/sh\n');
    expect(packageOf(join(root, 'bin', 'tool'))).toBeUndefined();
    expect(packageOf(join(root, 'missing'))).toBeUndefined();
  });
});

describe('versions in text and from --version', () => {
  it('reads the version out of what CLIs print', () => {
    expect(versionInText('codex-cli 0.171.0')).toBe('0.171.0');
    expect(versionInText('2.1.197 (Claude Code)')).toBe('2.1.197');
    expect(versionInText('1.2.3-beta.1\n')).toBe('1.2.3-beta.1');
    expect(versionInText('no version')).toBeUndefined();
  });

  it('runs the command with --version', async () => {
    const link = install('tool', '1.0.0', 'tool', 'bin/tool');
    expect(await versionFromCommand(link)).toBe('9.9.9');
    expect(await versionFromCommand(join(root, 'missing'))).toBeUndefined();
  });
});
