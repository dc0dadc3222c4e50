/**
 * Live config through the daemon (issue 11 §3): a paired phone sees `config_changed` after an
 * editor-style rename save (with restart-only keys named), `config_invalid` after a bad edit,
 * and the reloaded approval timeout is what the daemon uses for the next prompt.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { silentLogger } from '../src/log.js';
import { parseConfig } from '../src/store/config.js';
import { pairPhone, until, useCleanups } from './support/phone.js';

const cleanups = useCleanups();

describe('config reload through the daemon', () => {
  it('applies a rename save without a restart, reports restart-only keys, refuses a bad edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-config-reload-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'config.yaml');
    const text = 'server:\n  port: 0\napprovals:\n  timeout_seconds: 60\n';
    writeFileSync(file, text);
    const dataDir = join(dir, 'data');
    const daemon = await startDaemon({ config: parseConfig(text, file), configFile: file, dataDir, port: 0, log: silentLogger });
    cleanups.push(() => daemon.stop());
    const phone = await pairPhone(daemon.url, dataDir);
    cleanups.push(() => phone.close());

    const temporary = join(dir, 'config.yaml.tmp');
    writeFileSync(temporary, 'server:\n  port: 7000\napprovals:\n  timeout_seconds: 300\npush:\n  delay_seconds: 10\n');
    renameSync(temporary, file);
    const changed = await until(phone, (m) => m.type === 'config_changed', 5_000, 'config_changed');
    expect(changed).toMatchObject({ change_type: 'config', changed: ['approvals.timeout_seconds', 'push.delay_seconds', 'server.port'], restart_required: ['server.port'] });
    // The daemon keeps listening where it started.
    expect(daemon.port).not.toBe(7000);

    writeFileSync(file, 'approvals:\n  on_timeout: shrug\n');
    const invalid = await until(phone, (m) => m.type === 'config_invalid', 5_000, 'config_invalid');
    expect(invalid).toMatchObject({ path: 'approvals.on_timeout', file });
    expect(String(invalid.reason)).toMatch(/deny|notify/);
    // Still the last good config: a fresh valid save that changes only push reports only push.
    writeFileSync(file, 'server:\n  port: 7000\napprovals:\n  timeout_seconds: 300\npush:\n  delay_seconds: 11\n');
    const again = await until(phone, (m) => m.type === 'config_changed' && m !== changed, 5_000, 'the second config_changed');
    expect(again.changed).toEqual(['push.delay_seconds']);

    // The next prompt expires by the reloaded rule (300 s, not the 60 s the daemon started with).
    // A Codex session (its parser does not know this list; the CLI-agnostic fallback reads it).
    await daemon.sessions.create({ cli: 'sh', args: ['-c', "printf 'Run npm test?\\n\\n› 1. Yes, proceed\\n  2. No, cancel\\n'; sleep 30"], cliType: 'codex', cols: 80, rows: 24 });
    const prompt = await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type !== 'awaiting_response', 10_000, 'the prompt');
    expect(Date.parse(String(prompt.expires_at)) - Date.parse(String(prompt.timestamp))).toBe(300_000);
  });
});
