/**
 * `input_state` end to end (issue 11 §2; seed `mobile-notifications-and-tool-approval.md` §5.1):
 * a real Claude Code session on the mock Anthropic server, the desk (the admin socket `tether run`
 * uses) and a paired phone. What the desk types into Claude's input box, read off the screen,
 * reaches the phone (and a client of the mobilecli seed, with its epoch-ms timestamp); what the
 * phone types reaches the desk, each with the sender's id. Nothing is submitted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { silentLogger } from '../src/log.js';
import { configSchema } from '../src/store/config.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { textScenario } from './mock/scenarios.js';
import { makeCliEnv } from './support/cliEnv.js';
import { pairPhone, until, useCleanups } from './support/phone.js';
import { TestClient } from './support/testClient.js';

const cleanups = useCleanups();

describe('input_state: the draft in the agent\'s input box, both ways', () => {
  it('the phone sees what the desk types, and the desk sees what the phone types', async () => {
    const mock = await startMockAnthropic({ script: textScenario('Nothing to do.') });
    cleanups.push(() => mock.close());
    const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url });
    cleanups.push(() => claudeEnv.cleanup());
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-input-state-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const binDir = join(process.cwd(), 'node_modules', '.bin');
    const daemon = await startDaemon({ config: configSchema.parse({ server: { port: 0 } }), dataDir, port: 0, sessionEnv: { ...claudeEnv.env, PATH: `${binDir}:${claudeEnv.env.PATH}` }, log: silentLogger });
    cleanups.push(() => daemon.stop());
    const phone = await pairPhone(daemon.url, dataDir);
    cleanups.push(() => phone.close());
    const phoneId = String(phone.received.find((m) => m.type === 'welcome')?.device_id);
    const mobile = await pairPhone(daemon.url, dataDir, ['mobilecli']);
    cleanups.push(() => mobile.close());
    const { admin_secret } = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
    const desk = await TestClient.connect(`${daemon.url.replace(/^http/, 'ws')}/ws`, { authorization: `Bearer ${admin_secret}` });
    cleanups.push(() => desk.close());

    phone.send({ type: 'create_session', request_id: 'create', cli: 'claude', cwd: claudeEnv.projectDir, cols: 120, rows: 40 });
    const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
    const sessionId = (created.session as { id: string }).id;
    await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId && m.wait_type === 'awaiting_response', 60_000, 'the idle box');

    // The desk types a draft (raw keys, no Enter): the phone sees it in the box, from the desk.
    desk.send({ type: 'send_input', session_id: sessionId, text: 'add tests', raw: true });
    const atDesk = await until(phone, (m) => m.type === 'input_state' && m.session_id === sessionId && m.text === 'add tests', 20_000, 'the desk draft on the phone');
    expect(atDesk).toMatchObject({ cursor_position: 9, sender_id: 'local' });
    expect(Number.isNaN(Date.parse(String(atDesk.timestamp)))).toBe(false);
    const seed = await until(mobile, (m) => m.type === 'input_state' && m.text === 'add tests', 5_000, 'the draft on the mobilecli client');
    expect(seed).toMatchObject({ session_id: sessionId, cursor_position: 9, sender_id: 'local' });
    expect(typeof seed.timestamp).toBe('number');

    // The phone goes on typing: the desk sees the longer draft, from the phone.
    phone.send({ type: 'send_input', session_id: sessionId, text: ' now', raw: true });
    const fromPhone = await until(desk, (m) => m.type === 'input_state' && m.session_id === sessionId && m.text === 'add tests now', 20_000, 'the phone draft at the desk');
    expect(fromPhone).toMatchObject({ cursor_position: 13, sender_id: phoneId });
    expect(phoneId).not.toBe('local');
  });
});
