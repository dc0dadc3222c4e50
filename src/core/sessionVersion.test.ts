/**
 * Version awareness: a session knows its CLI's version from the package beside the executable
 * at once, or from the banner once drawn; `SessionInfo.cli_version` carries it, and a version the
 * descriptor does not list as verified is reported as drift, as is drift a witness reports.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriftReport } from '../common/index.js';
import { SessionManager } from './sessionManager.js';
import { waitUntil } from '../../test/support/waitFor.js';

let root: string;
let sessions: SessionManager;
let drift: DriftReport[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tether-session-version-'));
  drift = [];
  sessions = new SessionManager({ drift: { recordDrift: (report) => drift.push(report) } });
});
afterEach(() => {
  sessions.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** A fake `codex` that draws Codex's banner with `bannerVersion` and waits. */
function fakeCodex(dir: string, bannerVersion: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'codex.js');
  writeFileSync(file, `#!/bin/sh\nprintf '  >_ OpenAI Codex (v${bannerVersion})\\r\\n'\nexec sleep 30\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('session CLI version', () => {
  it('reads the version from the npm package of the executable at start', async () => {
    const pkg = join(root, 'node_modules', '@openai', 'codex');
    const file = fakeCodex(join(pkg, 'bin'), '0.169.0');
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@openai/codex', version: '0.169.0', bin: { codex: 'bin/codex.js' } }));
    mkdirSync(join(root, 'node_modules', '.bin'));
    symlinkSync(file, join(root, 'node_modules', '.bin', 'codex'));
    const info = await sessions.create({ cli: join(root, 'node_modules', '.bin', 'codex'), cliType: 'codex', cols: 80, rows: 24 });
    expect(info.cli_version).toBe('0.169.0');
    expect(drift).toEqual([]);
  });

  it('reads it from the banner when no package says, and reports an unverified version as drift', async () => {
    const file = fakeCodex(join(root, 'loose'), '9.9.9');
    const info = await sessions.create({ cli: file, cliType: 'codex', cols: 80, rows: 24 });
    expect(info.cli_version).toBeUndefined();
    await waitUntil(() => sessions.get(info.id).cli_version !== undefined, 10_000, 'the banner version');
    expect(sessions.get(info.id).cli_version).toBe('9.9.9');
    expect(drift).toEqual([expect.objectContaining({ cli: 'codex', cliVersion: '9.9.9', kind: 'unverified_version' })]);
    sessions.recordDrift(info.id, 'hook_without_screen', 'PermissionRequest Bash');
    expect(drift.at(-1)).toEqual({ cli: 'codex', cliVersion: '9.9.9', kind: 'hook_without_screen', sample: 'PermissionRequest Bash' });
    expect(() => sessions.recordDrift('nope', 'x')).toThrow(expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
  });
});
