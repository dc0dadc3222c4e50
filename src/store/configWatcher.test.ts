/**
 * The live config watcher (issue 11 §3): an editor-style save (write a temporary file, rename it
 * over the config) applies; an invalid edit keeps the last good config and names the key; the
 * file missing mid-save is no change; restart-only keys are reported as such.
 */
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { ConfigWatcher, diffKeys } from './configWatcher.js';
import type { ConfigChange, ConfigProblem } from './configWatcher.js';
import { waitUntil } from '../../test/support/waitFor.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

const BASE = 'push:\n  delay_seconds: 3\napprovals:\n  timeout_seconds: 60\n';

function world(text = BASE) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-config-watch-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, text);
  const watcher = new ConfigWatcher({ file, initial: parseConfig(text), debounceMs: 50 });
  const changes: ConfigChange[] = [];
  const problems: ConfigProblem[] = [];
  watcher.onDidChange((change) => changes.push(change));
  watcher.onDidFail((problem) => problems.push(problem));
  cleanups.push(() => {
    watcher.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Saves like vim or VS Code: a temporary file renamed over the config. */
  const saveByRename = (content: string) => {
    const temporary = join(dir, '.config.yaml.swp');
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  };
  return { dir, file, watcher, changes, problems, saveByRename };
}

describe('ConfigWatcher', () => {
  it('applies an editor-style rename save and names the changed keys', async () => {
    const { watcher, changes, saveByRename } = world();
    saveByRename('push:\n  delay_seconds: 9\napprovals:\n  timeout_seconds: 120\n  on_timeout: deny\n');
    await waitUntil(() => changes.length > 0, 5_000, 'the change');
    expect(changes[0].changed).toEqual(['approvals.on_timeout', 'approvals.timeout_seconds', 'push.delay_seconds']);
    expect(changes[0].restartRequired).toEqual([]);
    expect(watcher.current.push.delay_seconds).toBe(9);
    expect(watcher.current.approvals.on_timeout).toBe('deny');
    // A second save by rename is seen too (the watch survives the inode change).
    saveByRename('push:\n  delay_seconds: 4\napprovals:\n  timeout_seconds: 120\n  on_timeout: deny\n');
    await waitUntil(() => changes.length > 1, 5_000, 'the second change');
    expect(changes[1].changed).toEqual(['push.delay_seconds']);
    expect(watcher.current.push.delay_seconds).toBe(4);
  });

  it('keeps the last good config on an invalid edit and says which key failed', async () => {
    const { file, watcher, changes, problems } = world();
    writeFileSync(file, 'push:\n  delay_seconds: 9000\n');
    await waitUntil(() => problems.length > 0, 5_000, 'the problem');
    expect(problems[0]).toMatchObject({ path: 'push.delay_seconds', file });
    expect(problems[0].reason).toMatch(/600/);
    expect(watcher.current.push.delay_seconds).toBe(3);
    writeFileSync(file, 'push: [unclosed\n');
    await waitUntil(() => problems.length > 1, 5_000, 'the YAML problem');
    expect(problems[1].path).toBe('');
    expect(problems[1].reason).toMatch(/YAML/);
    expect(changes).toEqual([]);
    // Fixing it applies again.
    writeFileSync(file, 'push:\n  delay_seconds: 5\n');
    await waitUntil(() => changes.length > 0, 5_000, 'the fix');
    expect(watcher.current.push.delay_seconds).toBe(5);
  });

  it('loses nothing when the file is briefly missing mid-save', async () => {
    const { file, watcher, changes, problems } = world();
    unlinkSync(file);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(watcher.current.push.delay_seconds).toBe(3);
    expect(problems).toEqual([]);
    writeFileSync(file, 'push:\n  delay_seconds: 7\n');
    await waitUntil(() => changes.length > 0, 5_000, 'the change after the file came back');
    expect(watcher.current.push.delay_seconds).toBe(7);
    expect(problems).toEqual([]);
  });

  it('reports keys read only at start as needing a restart', async () => {
    const { file, changes } = world();
    writeFileSync(file, `${BASE}server:\n  port: 9999\n`);
    await waitUntil(() => changes.length > 0, 5_000, 'the change');
    expect(changes[0].changed).toEqual(['server.port']);
    expect(changes[0].restartRequired).toEqual(['server.port']);
  });

  it('diffs leaves, arrays as values', () => {
    expect(diffKeys({ a: { b: 1, c: [1] } }, { a: { b: 1, c: [2] }, d: 'x' })).toEqual(['a.c', 'd']);
    expect(diffKeys({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
