/**
 * The per-session hook trust of Codex: the study's hash recipe must give exactly the hashes
 * Codex 0.169.0 wrote into config.toml when its own "Trust all" dialog trusted the same hooks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/repoRoot.js';
import { codexHookHash, SESSION_FLAGS_SOURCE } from './codexVoice.js';

interface TrustEntry {
  readonly event: string;
  readonly command: string;
  readonly timeout: number;
  readonly key: string;
  readonly trusted_hash: string;
}

const entries: TrustEntry[] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/data/voices/codex/0.169.0/hook-trust.json'), 'utf8')).hooks;

describe('codexHookHash', () => {
  it('reproduces the trusted_hash Codex 0.169.0 stored for each session-flags hook', () => {
    expect(entries.map((entry) => entry.event)).toEqual(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Stop']);
    for (const entry of entries) {
      expect(entry.key.startsWith(`${SESSION_FLAGS_SOURCE}:`)).toBe(true);
      expect(codexHookHash(entry.event, entry.command, entry.timeout)).toBe(entry.trusted_hash);
    }
  });

  it('changes when the command, the timeout or a matcher changes (Codex then asks again)', () => {
    const [entry] = entries.filter((candidate) => candidate.event === 'PreToolUse');
    expect(codexHookHash(entry.event, `${entry.command} `, entry.timeout)).not.toBe(entry.trusted_hash);
    expect(codexHookHash(entry.event, entry.command, entry.timeout + 1)).not.toBe(entry.trusted_hash);
    expect(codexHookHash(entry.event, entry.command, entry.timeout, '^Bash$')).not.toBe(entry.trusted_hash);
  });

  it('ignores a matcher on events that take none (UserPromptSubmit, Stop)', () => {
    const [stop] = entries.filter((candidate) => candidate.event === 'Stop');
    expect(codexHookHash(stop.event, stop.command, stop.timeout, '.*')).toBe(stop.trusted_hash);
  });
});
