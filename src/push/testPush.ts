/**
 * The notification `tether push test` sends: a task-complete style alert in session "test"
 * with prompt id `test-<epoch ms>`, so apps route it like any other push but users can tell
 * it apart.
 */
import type { WaitingForInputEvent } from '../common/index.js';
import { buildPushNotification } from './notification.js';
import type { TetherPushNotification } from './types.js';

/** Builds the test push's stand-in event and its notification. @param nowMs clock time (epoch ms) */
export function buildTestPush(nowMs: number): { event: WaitingForInputEvent; notification: TetherPushNotification } {
  const event: WaitingForInputEvent = {
    type: 'waiting_for_input',
    session_id: 'test',
    seq: 0,
    timestamp: new Date(nowMs).toISOString(),
    prompt_id: `test-${nowMs}`,
    wait_type: 'awaiting_response',
    prompt_content: '',
    options: [],
    cli_type: 'generic',
    after_turn: true,
  };
  const notification: TetherPushNotification = {
    ...buildPushNotification(event, { content: 'minimal', nowMs }),
    title: 'Tether test notification',
    subtitle: 'Tether',
    body: 'Push notifications reach this device.',
  };
  return { event, notification };
}
