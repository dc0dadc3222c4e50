/**
 * Per-registration push payloads (issue 11 §4). A registration keeps the dialect of the
 * connection that made it (`PushRegistration.dialect`), and each seed's app gets the payload its
 * document describes; the alert text, badge, urgency and expiry stay Tether's.
 *
 * - `cdev` (JSON-RPC `device/register`, seed `push-notifications-for-permission-requests.md`,
 *   "Push Notification Payload"): a tool approval is category `PERMISSION_REQUEST` with `data
 *   {type: "pty_permission", workspace_id, session_id, tool_use_id, tool_name, target,
 *   permission_type, timestamp}`; `tool_use_id` is Tether's `prompt_id` (what the answer routes
 *   take). The app's actions `ALLOW_ACTION`, `ALLOW_SESSION_ACTION`, `DENY_ACTION` post to
 *   `POST /api/push/action` with the push's `action_secret`.
 * - `ios-backend` (seed `backend-events-apns-live-activities.md`, "Event Triggers"): categories
 *   `APPROVAL_REQUEST`, `QUESTION_ASKED`, `TASK_COMPLETE`, `TASK_ERROR` with `data
 *   {requestId|questionId, sessionId, type: approval|question|complete|error}` and `expiresAt`
 *   ("Approval Timeout"); Live Activity statuses `awaitingApproval`, `awaitingAnswer`,
 *   `processing`, `completed`, `error`.
 * - `mobilecli`, `craft`, `tether`: Tether's `data` (it carries the mobilecli seed's
 *   `waiting_for_input` fields `session_id`, `wait_type`, `cli_type`, `timestamp`).
 *
 * Under `push.content: minimal` no command text leaves the machine: the cdev `target` is empty.
 */
import type { SessionInfo, WaitingForInputEvent } from '../common/index.js';
import type { PushDialect } from '../store/types.js';
import { baseName, type PushContent } from './notification.js';
import { truncateText } from './text.js';
import type { IosBackendActivityState, LiveActivityContentState, PushNotification, PushRetraction, SeedPushData, TetherPushNotification } from './types.js';

/** The longest `target` a cdev payload carries (characters); the seed keeps payloads minimal. */
const MAX_TARGET_CHARACTERS = 200;

/** What a dialect's payload may read besides Tether's notification. */
export interface DialectPushFacts {
  /** The prompt the push is for (absent for a task push). */
  readonly event?: WaitingForInputEvent;
  /** The session (for the cdev `workspace_id`); absent when it is already gone. */
  readonly session?: SessionInfo;
  readonly content: PushContent;
}

/** The notification a registration of `dialect` gets for Tether's `notification`. Pure. */
export function notificationForDialect(notification: TetherPushNotification, dialect: PushDialect | undefined, facts: DialectPushFacts): PushNotification {
  if (dialect === 'cdev') return cdevNotification(notification, facts);
  if (dialect === 'ios-backend') return iosBackendNotification(notification);
  return notification;
}

/** Tether's optional fields a seed payload keeps: the expiry and the action secret. */
function extras(notification: TetherPushNotification, expiresKey: string): Record<string, string> {
  const { expires_at, action_secret } = notification.data;
  return { ...(expires_at === undefined ? {} : { [expiresKey]: expires_at }), ...(action_secret === undefined ? {} : { action_secret }) };
}

function cdevNotification(notification: TetherPushNotification, facts: DialectPushFacts): PushNotification {
  // The seed defines pushes for tool permissions only; other pushes keep Tether's data.
  if (notification.category !== 'PERMISSION_REQUEST') return notification;
  const { data } = notification;
  const toolName = data.tool_name ?? '';
  const workspace = facts.session === undefined ? '' : baseName(facts.session.cwd);
  const seed: SeedPushData = {
    type: 'pty_permission',
    workspace_id: workspace,
    session_id: data.session_id,
    tool_use_id: data.prompt_id,
    tool_name: toolName,
    target: facts.content === 'full' && facts.event !== undefined && facts.event.sensitive !== true ? targetOf(facts.event) : '',
    permission_type: permissionType(toolName),
    timestamp: data.timestamp,
    ...extras(notification, 'expires_at'),
  };
  return { ...notification, data: seed };
}

/**
 * What a tool approval acts on: the command the CLI's hook reported, else the line under the
 * dialog's title (Claude Code: "Bash command" then the command; Codex: "$ command").
 */
export function targetOf(event: WaitingForInputEvent): string {
  const fromHook = event.hook_details?.command;
  const lines = event.prompt_content.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const line = fromHook ?? (lines.length > 1 ? lines[1] : '');
  return truncateText(line.replace(/^\$\s+/, ''), MAX_TARGET_CHARACTERS);
}

/**
 * The seed's `permission_type`: the tool's kind in lower case (`Bash` → `bash`, `WebFetch` →
 * `webfetch`); an MCP tool (`mcp__server__tool`) is `mcp`; an unread tool is `unknown`.
 */
export function permissionType(toolName: string): string {
  if (toolName === '') return 'unknown';
  if (toolName.startsWith('mcp__')) return 'mcp';
  return toolName.toLowerCase().replace(/[^a-z0-9_]/g, '') || 'unknown';
}

function iosBackendNotification(notification: TetherPushNotification): PushNotification {
  const { data } = notification;
  const sessionId = data.session_id;
  switch (notification.category) {
    case 'PERMISSION_REQUEST':
    case 'PLAN_APPROVAL':
    case 'APPROVAL_REQUEST':
      return { ...notification, category: 'APPROVAL_REQUEST', data: { requestId: data.prompt_id, sessionId, type: 'approval', ...extras(notification, 'expiresAt') } };
    case 'QUESTION_ASKED':
      return { ...notification, data: { questionId: data.prompt_id, sessionId, type: 'question', ...extras(notification, 'expiresAt') } };
    case 'TASK_COMPLETE':
      return { ...notification, data: { sessionId, type: 'complete' } };
    case 'TASK_ERROR':
      return { ...notification, data: { sessionId, type: 'error' } };
  }
}

/**
 * The retraction a registration of `dialect` gets: Tether's fields plus the seed's names for the
 * prompt (`ios-backend`: `requestId`, `sessionId`; `cdev`: `tool_use_id`), so the app finds the
 * notification to remove by the id its alert carried.
 */
export function retractionForDialect(retraction: PushRetraction, dialect: PushDialect | undefined): PushRetraction {
  if (dialect === 'ios-backend') return { ...retraction, aliases: { requestId: retraction.prompt_id, sessionId: retraction.session_id } };
  if (dialect === 'cdev') return { ...retraction, aliases: { tool_use_id: retraction.prompt_id } };
  return retraction;
}

/** The seed's status for each of Tether's, when no prompt is live. */
const ACTIVITY_STATUS: Readonly<Record<LiveActivityContentState['status'], IosBackendActivityState['status']>> = {
  busy: 'processing',
  waiting: 'processing',
  idle: 'completed',
  completed: 'completed',
  exited: 'completed',
  error: 'error',
};

/** What the `ios-backend` Live Activity state needs besides Tether's. */
export interface IosBackendActivityFacts {
  /** The live prompt's wait type (an approval or a question), while one is live. */
  readonly waitType?: WaitingForInputEvent['wait_type'];
}

/**
 * The seed's Live Activity `content-state` ("Event Triggers"): `awaitingApproval` (a tool or plan
 * approval), `awaitingAnswer` (a question, "Waiting for your response"), `processing` (working),
 * `completed` (the turn ended, or the session exited), `error` (the turn failed, or the session
 * exited non-zero on its own).
 */
export function iosBackendActivityState(state: LiveActivityContentState, facts: IosBackendActivityFacts): IosBackendActivityState {
  const asking = state.status === 'waiting' && state.approvalRequest !== undefined;
  const question = asking && facts.waitType === 'clarifying_question';
  const status = asking ? (question ? 'awaitingAnswer' : 'awaitingApproval') : ACTIVITY_STATUS[state.status];
  const request = state.approvalRequest;
  return {
    status,
    currentOperation: question && state.currentOperation === '' ? 'Waiting for your response' : state.currentOperation,
    elapsedSeconds: state.elapsedSeconds,
    todoProgress: state.todoProgress,
    ...(asking && request !== undefined
      ? { approvalRequest: { requestId: request.promptId, toolName: request.toolName, summary: request.summary, ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt }) } }
      : {}),
  };
}
