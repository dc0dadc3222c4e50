/**
 * Builds the provider-neutral notification for a `waiting_for_input` event: title, subtitle
 * (CLI and project), body, category, urgency and the app's `data`. Pure. `minimal` content
 * keeps prompt text (commands, questions) out of the notification; `full` adds a summary.
 */
import type { CliType, SessionInfo, WaitingForInputEvent } from '../common/index.js';
import { getCli } from '../core/index.js';
import { summarize, truncateText } from './text.js';
import type { PushCategory, PushData, TetherPushNotification } from './types.js';

/** Lock screens show about four lines; the expanded view shows more, so full bodies get room. */
const MAX_BODY_CHARACTERS = 1000;
/** Keeps a runaway tool name or directory name from crowding out the rest of the payload. */
const MAX_NAME_CHARACTERS = 80;
/** A prompt older than this is stale; APNs stops retrying an offline device after it. */
export const PUSH_EXPIRATION_MS = 60 * 60 * 1000;

/** What a notification may contain: `minimal` never includes prompt text. */
export type PushContent = 'full' | 'minimal';

/** Category of each wait type. */
const CATEGORIES: Readonly<Record<WaitingForInputEvent['wait_type'], PushCategory>> = {
  tool_approval: 'PERMISSION_REQUEST',
  plan_approval: 'PLAN_APPROVAL',
  clarifying_question: 'QUESTION_ASKED',
  awaiting_response: 'TASK_COMPLETE',
};

/** Inputs besides the event. */
export interface NotificationContext {
  readonly content: PushContent;
  /** The session, for its cwd and command; absent when the session is already gone. */
  readonly session?: SessionInfo;
  /** Clock time of the push (epoch ms); expiry is counted from it. */
  readonly nowMs: number;
  /** The app badge to set: live decision prompts across sessions. */
  readonly badge?: number;
  /** A later push of the same prompt: the warning before a `deny` expiry, or the reminder after a `notify` one. */
  readonly stage?: 'warning' | 'reminder';
}

/** Returns the last path segment of a POSIX or Windows path ('' for a root). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part !== '');
  return parts.length === 0 ? '' : parts[parts.length - 1];
}

/**
 * The human name of the CLI, from its descriptor ("Claude Code"); a CLI whose wording says so
 * (`generic`: any other command) is named after the session's command.
 */
export function cliDisplayName(cliType: CliType, session?: SessionInfo): string {
  const cli = getCli(cliType);
  if (cli.notification?.nameFromCommand === true && session !== undefined) {
    const command = baseName(session.command);
    if (command !== '') return truncateText(command, MAX_NAME_CHARACTERS);
  }
  return cli.displayName;
}

/**
 * Builds the notification for one `waiting_for_input` event.
 * Field lengths are bounded here; the 4 KB wire bound is enforced by each provider's payload builder.
 */
export function buildPushNotification(event: WaitingForInputEvent, context: NotificationContext): TetherPushNotification {
  const cli = cliDisplayName(event.cli_type, context.session);
  const project = context.session === undefined ? '' : truncateText(baseName(context.session.cwd), MAX_NAME_CHARACTERS);
  const toolName = event.tool_name === undefined ? undefined : truncateText(event.tool_name, MAX_NAME_CHARACTERS);
  const isApproval = event.wait_type === 'tool_approval' || event.wait_type === 'plan_approval';

  const data: PushData = {
    type: 'waiting_for_input',
    session_id: event.session_id,
    prompt_id: event.prompt_id,
    wait_type: event.wait_type,
    cli_type: event.cli_type,
    ...(toolName === undefined ? {} : { tool_name: toolName }),
    timestamp: event.timestamp,
    ...(event.expires_at === undefined ? {} : { expires_at: event.expires_at, ...(event.on_timeout ? { on_timeout: event.on_timeout } : {}) }),
    ...(context.stage === undefined ? {} : { stage: context.stage }),
  };
  // A prompt that will be denied at its expiry is pointless to deliver after it.
  const denyAt = event.on_timeout === 'deny' && event.expires_at !== undefined ? Date.parse(event.expires_at) : NaN;
  const expiresAt = Number.isFinite(denyAt) ? Math.min(denyAt, context.nowMs + PUSH_EXPIRATION_MS) : context.nowMs + PUSH_EXPIRATION_MS;
  return {
    title: stageTitle(titleFor(event.wait_type, cli), event, context),
    subtitle: project === '' ? cli : `${cli} · ${project}`,
    body: bodyFor(event, cli, toolName, context.content),
    category: CATEGORIES[event.wait_type],
    threadId: event.session_id,
    urgency: isApproval ? 'time-sensitive' : 'active',
    priority: event.wait_type === 'awaiting_response' ? 'normal' : 'high',
    expiresAt,
    ...(context.badge === undefined ? {} : { badge: context.badge }),
    data,
  };
}

/** The title of a warning ("Denied in 15 s: Permission Required") or a reminder ("Still waiting: …"). */
function stageTitle(title: string, event: WaitingForInputEvent, context: NotificationContext): string {
  if (context.stage === 'reminder') return `Still waiting: ${title}`;
  if (context.stage === 'warning' && event.expires_at !== undefined) {
    const seconds = Math.max(1, Math.round((Date.parse(event.expires_at) - context.nowMs) / 1000));
    return `Denied in ${seconds} s: ${title}`;
  }
  return title;
}

function titleFor(waitType: WaitingForInputEvent['wait_type'], cli: string): string {
  switch (waitType) {
    case 'tool_approval':
      return 'Permission Required';
    case 'plan_approval':
      return 'Plan Ready for Review';
    case 'clarifying_question':
      return `Question from ${cli}`;
    case 'awaiting_response':
      return `${cli} is waiting`;
  }
}

function bodyFor(event: WaitingForInputEvent, cli: string, toolName: string | undefined, content: PushContent): string {
  const text = event.wait_type === 'tool_approval' ? withoutConfirmation(event.prompt_content) : event.prompt_content;
  // A prompt that takes a secret (an API-key box) never lends its text to a notification.
  const summary = content === 'full' && event.sensitive !== true ? summarize(text, MAX_BODY_CHARACTERS) : '';
  switch (event.wait_type) {
    case 'tool_approval': {
      const minimal = toolName === undefined ? `${cli} needs your approval` : `${cli} wants to use ${toolName}`;
      return summary === '' ? minimal : truncateText(`${minimal}: ${summary}`, MAX_BODY_CHARACTERS);
    }
    case 'plan_approval':
      return summary === '' ? `${cli} has a plan ready for your approval` : summary;
    case 'clarifying_question':
      return summary === '' ? `${cli} has a question for you` : summary;
    case 'awaiting_response':
      // The idle input box carries no useful text; the turn's end is the news.
      return `${cli} finished and is waiting for your reply`;
  }
}

/**
 * Drops a tool dialog's closing confirmation line ("Do you want to proceed?"): the title already
 * asks for permission, and the command above it is what the body has room for.
 */
function withoutConfirmation(content: string): string {
  const lines = content.trimEnd().split('\n');
  if (lines.length > 1 && lines[lines.length - 1].trim().endsWith('?')) lines.pop();
  return lines.join('\n');
}
