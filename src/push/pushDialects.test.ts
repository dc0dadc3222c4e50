/**
 * Golden tests of the per-dialect push payloads (issue 11 §4), from the seeds' own examples:
 * `push-notifications-for-permission-requests.md` ("Push Notification Payload") for `cdev`
 * (JSON-RPC `device/register`), `backend-events-apns-live-activities.md` ("Event Triggers") for
 * `ios-backend`, `mobile-notifications-and-tool-approval.md` §5.1 `waiting_for_input` for
 * `mobilecli`. Each runs the real dispatcher and the APNs payload builder.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WaitingForInputEvent } from '../common/index.js';
import { VirtualClock } from '../core/index.js';
import { PushActionSecrets } from '../store/pushActionSecrets.js';
import type { PushDialect, RegistrationTokenType } from '../store/types.js';
import { FakeSessionService } from '../../test/support/fakeSessionService.js';
import { FakeProvider, MemoryRegistry, clearedEvent, pushConfig, registration, sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import { buildApnsPayload, buildApnsRetractPayload, buildLiveActivityPayload } from './apnsPayload.js';
import { PushDispatcher } from './pushDispatcher.js';
import { notificationForDialect, permissionType, targetOf } from './pushDialects.js';
import type { TetherPushNotification } from './types.js';
import { PUSH_SCHEMAS } from '../../test/dialectSchemas.js';

/** True when `value` fits the published schema docs/schemas/push-<name>.schema.json. */
const fits = (name: string, value: unknown) => PUSH_SCHEMAS[name].schema.safeParse(value).success;

/** The seed's example payload, field for field ("Push Notification Payload"). */
const CDEV_SEED_PAYLOAD = {
  aps: {
    alert: { title: 'Permission Required', subtitle: 'cdev - myproject', body: 'Claude wants to execute: npm install express' },
    sound: 'default',
    badge: 1,
    category: 'PERMISSION_REQUEST',
    'mutable-content': 1,
    'interruption-level': 'time-sensitive',
  },
  data: {
    type: 'pty_permission',
    workspace_id: 'myproject',
    session_id: 'abc-123',
    tool_use_id: 'tool-456',
    tool_name: 'Bash',
    target: 'npm install express',
    permission_type: 'bash',
    timestamp: '2026-01-03T12:00:00Z',
  },
};

const APNS = 'ab'.repeat(32);
const LIVE = 'cd'.repeat(32);

describe('per-dialect push payloads', () => {
  let clock: VirtualClock;
  let sessions: FakeSessionService;
  let registry: MemoryRegistry;
  let provider: FakeProvider;
  let secrets: PushActionSecrets;
  let dispatcher: PushDispatcher | undefined;

  beforeEach(() => {
    clock = new VirtualClock(Date.parse('2026-01-03T12:00:00Z'));
    sessions = new FakeSessionService();
    sessions.sessions.set('abc-123', sessionInfo({ id: 'abc-123', cwd: '/home/dev/myproject' }));
    registry = new MemoryRegistry();
    provider = new FakeProvider('apns', clock);
    secrets = new PushActionSecrets({ now: () => clock.now() });
  });
  afterEach(() => dispatcher?.dispose());

  function start(dialect: PushDialect | undefined, content: 'full' | 'minimal' = 'full', tokenType: RegistrationTokenType = 'apns'): void {
    registry.add(registration(APNS, tokenType, 'phone-1', dialect === undefined ? {} : { dialect }));
    const config = pushConfig({ delay_seconds: 0, content });
    dispatcher = new PushDispatcher({ sessions, registry, config, providers: [new FakeProvider('webpush', clock), provider].filter((p) => p.tokenType === tokenType), hasConnectedClient: () => false, clock, actionSecrets: secrets, activity: sessions });
  }

  async function push(overrides: Partial<WaitingForInputEvent> = {}): Promise<{ event: WaitingForInputEvent; payload: ReturnType<typeof buildApnsPayload> }> {
    const event = waitingEvent({ session_id: 'abc-123', prompt_id: 'tool-456', timestamp: '2026-01-03T12:00:00Z', ...overrides });
    sessions.emit(event);
    await dispatcher!.whenIdle();
    const sent = provider.sent.at(-1);
    if (sent === undefined) throw new Error('nothing was pushed');
    return { event, payload: buildApnsPayload(sent.notification) };
  }

  it('cdev (device/register): a tool approval is the seed example, with the action secret the push-action route takes', async () => {
    start('cdev');
    const { payload } = await push();
    const { action_secret, ...data } = payload.data as Record<string, unknown>;
    expect(data).toEqual(CDEV_SEED_PAYLOAD.data);
    const { alert, ...aps } = CDEV_SEED_PAYLOAD.aps;
    expect(payload.aps).toMatchObject(aps);
    // The alert text is Tether's (the title is the seed's; CLI and project in the subtitle).
    expect(payload.aps.alert).toEqual({ title: alert.title, subtitle: 'Claude Code · myproject', body: 'Claude Code wants to use Bash: Bash command npm install express Install express' });
    expect(typeof action_secret).toBe('string');
    expect(fits('cdev', payload)).toBe(true);
    // The secret answers this prompt once (POST /api/push/action takes tool_use_id as prompt_id).
    expect(secrets.redeem(String(action_secret), { session_id: 'abc-123', prompt_id: String(data.tool_use_id) })).toMatchObject({ device_id: 'phone-1', token: APNS });
  });

  it('cdev: minimal content keeps the command out (empty target); the expiry travels as expires_at', async () => {
    start('cdev', 'minimal');
    const { payload } = await push({ expires_at: '2026-01-03T12:01:00.000Z', on_timeout: 'deny' });
    expect(payload.data).toMatchObject({ type: 'pty_permission', target: '', tool_name: 'Bash', permission_type: 'bash', expires_at: '2026-01-03T12:01:00.000Z' });
    expect(JSON.stringify(payload)).not.toContain('npm install');
  });

  it('cdev: pushes the seed does not define (a question) keep Tether data; Web Push keeps Tether data', async () => {
    start('cdev');
    const { payload } = await push({ wait_type: 'clarifying_question', tool_name: undefined, prompt_content: 'Which database?' });
    expect(payload.aps.category).toBe('QUESTION_ASKED');
    expect(payload.data).toMatchObject({ type: 'waiting_for_input', prompt_id: 'tool-456', wait_type: 'clarifying_question' });
    dispatcher!.dispose();
    provider = new FakeProvider('webpush', clock);
    registry = new MemoryRegistry();
    start('cdev', 'full', 'webpush');
    const tool = await push({ prompt_id: 'tool-457' });
    expect(tool.payload.data).toMatchObject({ type: 'waiting_for_input', prompt_id: 'tool-457' });
  });

  it('ios-backend: APPROVAL_REQUEST, QUESTION_ASKED, TASK_COMPLETE with the seed data', async () => {
    start('ios-backend');
    const approval = await push({ expires_at: '2026-01-03T12:01:00.000Z', on_timeout: 'notify' });
    expect(approval.payload.aps.category).toBe('APPROVAL_REQUEST');
    const { action_secret, ...data } = approval.payload.data as Record<string, unknown>;
    expect(data).toEqual({ requestId: 'tool-456', sessionId: 'abc-123', type: 'approval', expiresAt: '2026-01-03T12:01:00.000Z' });
    expect(typeof action_secret).toBe('string');
    sessions.emit(clearedEvent(approval.event));
    const question = await push({ prompt_id: 'q-1', wait_type: 'clarifying_question', tool_name: undefined, prompt_content: 'Which database?' });
    expect(question.payload.aps.category).toBe('QUESTION_ASKED');
    expect(question.payload.data).toEqual({ questionId: 'q-1', sessionId: 'abc-123', type: 'question' });
    sessions.emit(clearedEvent(question.event));
    const done = await push({ prompt_id: 'idle-1', wait_type: 'awaiting_response', after_turn: true, tool_name: undefined, prompt_content: '', options: [] });
    expect(done.payload.aps.category).toBe('TASK_COMPLETE');
    expect(done.payload.data).toEqual({ sessionId: 'abc-123', type: 'complete' });
    for (const sent of [approval, question, done]) expect(fits('ios-backend', sent.payload), JSON.stringify(sent.payload)).toBe(true);
    expect(fits('ios-backend', { ...done.payload, data: { sessionId: 'abc-123', type: 'approval' } })).toBe(false);
  });

  it('ios-backend: task pushes (device task_pushes on) are TASK_COMPLETE / TASK_ERROR {sessionId, type}', async () => {
    registry.add(registration(APNS, 'apns', 'phone-1', { dialect: 'ios-backend' }));
    dispatcher = new PushDispatcher({ sessions, registry, config: pushConfig({ delay_seconds: 0, devices: { 'phone-1': { task_pushes: true } } }), providers: [provider], hasConnectedClient: () => false, clock });
    sessions.emit({ type: 'interaction_completed', session_id: 'abc-123', seq: 50, interaction_id: 'i-1', status: 'error', timestamp: '2026-01-03T12:00:05Z' });
    await dispatcher.whenIdle();
    const payload = buildApnsPayload(provider.sent[0].notification);
    expect(payload.aps.category).toBe('TASK_ERROR');
    expect(payload.data).toEqual({ sessionId: 'abc-123', type: 'error' });
    expect(fits('ios-backend', payload)).toBe(true);
  });

  it('ios-backend: a failed turn (TASK_ERROR) is {sessionId, type: "error"}; a plan approval is an APPROVAL_REQUEST', () => {
    const base: TetherPushNotification = {
      title: 'Task Failed', subtitle: 'Claude Code', body: 'exit 1', category: 'TASK_ERROR', threadId: 's1', urgency: 'active', priority: 'normal', expiresAt: 0,
      data: { type: 'waiting_for_input', session_id: 's1', prompt_id: 'p1', wait_type: 'awaiting_response', cli_type: 'claude', timestamp: 't' },
    };
    const facts = { event: waitingEvent(), content: 'minimal' as const };
    expect(notificationForDialect(base, 'ios-backend', facts)).toMatchObject({ category: 'TASK_ERROR', data: { sessionId: 's1', type: 'error' } });
    const plan = notificationForDialect({ ...base, category: 'PLAN_APPROVAL', data: { ...base.data, wait_type: 'plan_approval' } }, 'ios-backend', facts);
    expect(plan).toMatchObject({ category: 'APPROVAL_REQUEST', data: { requestId: 'p1', sessionId: 's1', type: 'approval' } });
  });

  it('mobilecli: the data carries the seed waiting_for_input fields (session_id, wait_type, cli_type, timestamp)', async () => {
    start('mobilecli');
    const { payload } = await push();
    expect(payload.data).toMatchObject({ type: 'waiting_for_input', session_id: 'abc-123', wait_type: 'tool_approval', cli_type: 'claude', timestamp: '2026-01-03T12:00:00Z' });
  });

  it('retractions name the prompt as the seed app knows it', async () => {
    start('ios-backend');
    const { event } = await push();
    sessions.emit(clearedEvent(event));
    await dispatcher!.whenIdle();
    expect(buildApnsRetractPayload(provider.retracted[0].retraction).data).toMatchObject({ type: 'waiting_cleared', prompt_id: 'tool-456', requestId: 'tool-456', sessionId: 'abc-123' });
  });

  it('ios-backend Live Activity: awaitingApproval, processing, awaitingAnswer, completed, error; Tether registrations keep Tether statuses', async () => {
    start('ios-backend');
    registry.add(registration(LIVE, 'live_activity', 'phone-1', { session_id: 'abc-123', dialect: 'ios-backend' }));
    registry.add(registration('ef'.repeat(32), 'live_activity', 'phone-2', { session_id: 'abc-123' }));
    const statuses = () => provider.liveUpdates.filter((u) => u.registration.token === LIVE).map((u) => u.update.contentState.status);
    const approval = await push();
    const live = provider.liveUpdates.find((u) => u.registration.token === LIVE)!;
    expect(buildLiveActivityPayload(live.update).aps['content-state']).toMatchObject({
      status: 'awaitingApproval',
      approvalRequest: { requestId: 'tool-456', toolName: 'Bash', summary: expect.stringContaining('Bash') },
    });
    sessions.emit(clearedEvent(approval.event));
    const question = await push({ prompt_id: 'q-1', wait_type: 'clarifying_question', tool_name: undefined, prompt_content: 'Which database?' });
    sessions.emit(clearedEvent(question.event));
    await push({ prompt_id: 'idle-1', wait_type: 'awaiting_response', after_turn: true, tool_name: undefined, prompt_content: '', options: [] });
    sessions.sessions.set('abc-123', sessionInfo({ id: 'abc-123', cwd: '/home/dev/myproject', status: 'failed', exit_code: 1 }));
    sessions.emit({ type: 'session_closed', session_id: 'abc-123', seq: 99, exit_code: 1 });
    await dispatcher!.whenIdle();
    expect(statuses()).toEqual(['awaitingApproval', 'processing', 'awaitingAnswer', 'processing', 'completed', 'error']);
    for (const update of provider.liveUpdates.filter((u) => u.registration.token === LIVE)) expect(fits('ios-backend-live-activity', update.update.contentState)).toBe(true);
    const asked = provider.liveUpdates.filter((u) => u.registration.token === LIVE)[2].update.contentState;
    expect(asked).toMatchObject({ currentOperation: 'Waiting for your response', approvalRequest: { requestId: 'q-1' } });
    expect(provider.liveUpdates.filter((u) => u.registration.token !== LIVE).map((u) => u.update.contentState.status)).toEqual(['waiting', 'busy', 'waiting', 'busy', 'idle', 'error']);
  });

  it('ios-backend Live Activity: a turn that ends ends the activity with completed (or error)', async () => {
    start('ios-backend');
    registry.add(registration(LIVE, 'live_activity', 'phone-1', { session_id: 'abc-123', dialect: 'ios-backend' }));
    sessions.emit({ type: 'interaction_completed', session_id: 'abc-123', seq: 50, interaction_id: 'i-1', status: 'error', timestamp: '2026-01-03T12:00:05Z' });
    await dispatcher!.whenIdle();
    expect(provider.liveUpdates.map((u) => [u.update.event, u.update.contentState.status])).toEqual([['end', 'error']]);
  });

  it('reads the target under the title line (or from the hook) and the permission type from the tool', () => {
    expect(targetOf(waitingEvent({ prompt_content: 'Would you like to run the following command?\n\n$ npm test\n' }))).toBe('npm test');
    expect(targetOf(waitingEvent({ hook_details: { tool_name: 'Bash', command: 'rm -rf build' } }))).toBe('rm -rf build');
    expect(targetOf(waitingEvent({ prompt_content: 'Allow?' }))).toBe('');
    expect([permissionType('Bash'), permissionType('WebFetch'), permissionType('mcp__github__create_issue'), permissionType('')]).toEqual(['bash', 'webfetch', 'mcp', 'unknown']);
  });
});
