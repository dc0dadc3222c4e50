/**
 * The hook alone, end to end with the real Claude Code 2.1.197 against the mock model: with the
 * screen switched off for Claude (the daemon's test-only `parserOff`: neither its parser nor the
 * fallback reader reads a prompt), a Bash approval still reaches the phone as `waiting_for_input`
 * with `source: "hook"` (from the PermissionRequest HTTP hook, 1.5 s after it found no screen
 * prompt), the phone's `yes` lands (the command runs), and the turn's end clears nothing twice.
 * The drift counts say the screen never showed it (`hook_without_screen`).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { bashScenario } from './mock/scenarios.js';
import { makeCliEnv } from './support/cliEnv.js';
import type { ReceivedMessage } from './support/testClient.js';
import { pairPhone, until, useCleanups } from './support/phone.js';

const cleanups = useCleanups();
const COMMAND = 'echo hooked > hook-only.txt';

describe('cross-check: the hook alone raises the approval (real Claude Code)', () => {
  it('with the screen off, a Bash approval comes from PermissionRequest and the phone\'s answer lands', async () => {
    const mock = await startMockAnthropic({ script: bashScenario(COMMAND, 'Write hooked to hook-only.txt') });
    cleanups.push(() => mock.close());
    const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url });
    cleanups.push(() => claudeEnv.cleanup());
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-crosscheck-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const daemon = await startDaemon({ config: configSchema.parse({ server: { port: 0 } }), dataDir, port: 0, sessionEnv: claudeEnv.env, log: silentLogger, parserOff: ['claude'] });
    cleanups.push(() => daemon.stop());
    const phone = await pairPhone(daemon.url, dataDir);
    cleanups.push(() => phone.close());

    // The first prompt goes on the command line: with the screen off no idle box is reported to type into.
    phone.send({ type: 'create_session', request_id: 'create', cli: 'claude', cwd: claudeEnv.projectDir, args: ['--permission-mode', 'default', 'write hooked to hook-only.txt'] });
    const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
    const sessionId = (created.session as { id: string }).id;
    const seen: ReceivedMessage[] = [];
    const watch = async (predicate: (m: ReceivedMessage) => boolean, ms: number, what: string) => seen.find(predicate) ?? until(phone, (m) => (seen.push(m), predicate(m)), ms, what);

    const approval = await watch((m) => m.type === 'waiting_for_input' && m.session_id === sessionId, 120_000, 'the hook-raised approval');
    expect(approval).toMatchObject({
      wait_type: 'tool_approval',
      source: 'hook',
      tool_name: 'Bash',
      prompt_content: `Bash: ${COMMAND}`,
      hook_details: { tool_name: 'Bash', command: COMMAND },
      options: [
        { id: 'yes', label: 'Yes', role: 'approve' },
        { id: 'no', label: 'No', role: 'deny' },
      ],
    });
    expect(existsSync(join(claudeEnv.projectDir, 'hook-only.txt'))).toBe(false);

    phone.send({ type: 'tool_approval', request_id: 'yes', session_id: sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    const cleared = await watch((m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 30_000, 'the approval cleared');
    expect(cleared.cause).toBe('answered');
    await watch((m) => m.type === 'interaction_completed' && m.session_id === sessionId, 90_000, 'interaction_completed');
    expect(existsSync(join(claudeEnv.projectDir, 'hook-only.txt'))).toBe(true);
    // One prompt for one dialog: nothing else was raised.
    expect(seen.filter((m) => m.type === 'waiting_for_input')).toHaveLength(1);
    daemon.drift.flush();
    expect(daemon.drift.list()).toEqual(expect.arrayContaining([expect.objectContaining({ cli: 'claude', cli_version: '2.1.197', kind: 'hook_without_screen', count: 1 })]));
  }, 240_000);
});
