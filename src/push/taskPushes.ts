/**
 * "Task complete" / "Task failed" pushes (categories TASK_COMPLETE / TASK_ERROR, seed
 * `backend-events-apns-live-activities.md`, "Task Complete"): built when a session's turn ends
 * (`interaction_completed`, from the agent's own Stop / SessionEnd hooks or transcript) or when it
 * exits non-zero on its own. Off unless a device turns `task_pushes` on; one turn-end push per
 * device and turn: the screen's "waiting for your reply" push (awaiting_response after a turn,
 * category TASK_COMPLETE too) and a task push of the same turn never both go out.
 */
import type { SessionInfo, WaitingForInputEvent } from '../common/index.js';
import { cliDisplayName, baseName, PUSH_EXPIRATION_MS } from './notification.js';
import { truncateText } from './text.js';
import type { TetherPushNotification } from './types.js';

/** A turn-end push within this long after another of the same session and device is a duplicate (ms). */
export const TURN_END_WINDOW_MS = 10_000;
/** Longest project name in a subtitle (characters). */
const MAX_NAME_CHARACTERS = 80;

/** What a task push is about: the turn (`interaction_id`) that ended, and how. */
export interface TaskOutcome {
  readonly session_id: string;
  /** The interaction that ended (`interaction_completed.interaction_id`), or `<session>-exit` for a failed exit. */
  readonly interaction_id: string;
  readonly status: 'ok' | 'error';
  /** ISO 8601. */
  readonly timestamp: string;
}

/**
 * The report subject of a task push: reports and logs name pushes by a prompt-shaped subject
 * (`prompt_id` = the interaction id, `wait_type` = awaiting_response: the agent waits for a reply).
 */
export type PushSubject = Pick<WaitingForInputEvent, 'session_id' | 'prompt_id' | 'wait_type'>;

/** The subject of a task outcome. */
export function taskSubject(outcome: TaskOutcome): PushSubject {
  return { session_id: outcome.session_id, prompt_id: outcome.interaction_id, wait_type: 'awaiting_response' };
}

/** Builds the notification of a task outcome. Pure. */
export function buildTaskNotification(outcome: TaskOutcome, context: { readonly session?: SessionInfo; readonly nowMs: number }): TetherPushNotification {
  const ok = outcome.status === 'ok';
  const cliType = context.session?.cli_type ?? 'generic';
  const cli = cliDisplayName(cliType, context.session);
  const project = context.session === undefined ? '' : truncateText(baseName(context.session.cwd), MAX_NAME_CHARACTERS);
  return {
    title: ok ? 'Task Complete' : 'Task Failed',
    subtitle: project === '' ? cli : `${cli} · ${project}`,
    body: ok ? `${cli} finished` : context.session?.status === 'failed' ? `${cli} exited with code ${context.session.exit_code ?? '?'}` : `${cli} stopped with an error`,
    category: ok ? 'TASK_COMPLETE' : 'TASK_ERROR',
    threadId: outcome.session_id,
    urgency: 'active',
    priority: 'normal',
    expiresAt: context.nowMs + PUSH_EXPIRATION_MS,
    data: {
      type: ok ? 'task_complete' : 'task_error',
      session_id: outcome.session_id,
      prompt_id: outcome.interaction_id,
      interaction_id: outcome.interaction_id,
      wait_type: 'awaiting_response',
      cli_type: cliType,
      timestamp: outcome.timestamp,
    },
  };
}

/** True when `event` is a turn-end push of the screen (awaiting_response after a turn). */
export function isTurnEndPrompt(event: Pick<WaitingForInputEvent, 'wait_type' | 'after_turn'>): boolean {
  return event.wait_type === 'awaiting_response' && event.after_turn === true;
}

/** Remembers when each (session, device) last got a turn-end push, so a turn gets one. */
export class TurnEndLedger {
  private readonly _last = new Map<string, number>();

  /** True (and recorded) when no turn-end push went to `deviceId` for `sessionId` in the last TURN_END_WINDOW_MS. */
  claim(sessionId: string, deviceId: string, nowMs: number): boolean {
    const key = `${sessionId}\u0000${deviceId}`;
    const last = this._last.get(key);
    if (last !== undefined && nowMs - last < TURN_END_WINDOW_MS) return false;
    this._last.set(key, nowMs);
    return true;
  }

  /** Forgets a session (deleted). */
  forget(sessionId: string): void {
    for (const key of this._last.keys()) if (key.startsWith(`${sessionId}\u0000`)) this._last.delete(key);
  }
}
