/**
 * The push zone's vocabulary: the provider-neutral notification the dispatcher builds, the
 * provider interface (APNs today; FCM, Expo and Web Push later) and the classified send result.
 * Providers never throw for a delivery failure; they return a `PushResult`.
 */
import type { CliType, WaitType } from '../common/index.js';
import type { PushRegistration, PushTokenType } from '../store/types.js';

/**
 * Notification categories; a native app registers these with their actions (docs/push.md).
 * `TASK_ERROR` is a failed turn; `APPROVAL_REQUEST` is the `ios-backend` seed's name for an
 * approval (pushDialects.ts).
 */
export const PUSH_CATEGORIES = ['PERMISSION_REQUEST', 'PLAN_APPROVAL', 'QUESTION_ASKED', 'TASK_COMPLETE', 'TASK_ERROR', 'APPROVAL_REQUEST'] as const;
/** A notification category identifier. */
export type PushCategory = (typeof PUSH_CATEGORIES)[number];

/** How urgently the notification should break through (APNs `interruption-level`). */
export type PushUrgency = 'time-sensitive' | 'active';

/** The app-facing `data` dictionary of a payload (wire names, snake_case). */
export interface PushData {
  /** A prompt (`waiting_for_input`), or a turn's end (`task_complete` / `task_error`, taskPushes.ts). */
  readonly type: 'waiting_for_input' | 'task_complete' | 'task_error';
  readonly session_id: string;
  /** The prompt; for a task push, the interaction that ended. */
  readonly prompt_id: string;
  /** A task push's interaction (`interaction_completed.interaction_id`). */
  readonly interaction_id?: string;
  readonly wait_type: WaitType;
  /** The session's CLI (`claude`, `codex`, …), as the seed `mobile-notifications-and-tool-approval.md` §3.3 asks. */
  readonly cli_type: CliType;
  readonly tool_name?: string;
  /** ISO 8601, the time the prompt appeared. */
  readonly timestamp: string;
  /** ISO 8601, when the prompt expires (`approvals`); absent: never. */
  readonly expires_at?: string;
  /** What the expiry does (`deny` | `notify`), with `expires_at`. */
  readonly on_timeout?: 'deny' | 'notify';
  /** A later push of the same prompt: `warning` (it will be denied soon) or `reminder` (its time ran out, it still waits). */
  readonly stage?: 'warning' | 'reminder';
  /**
   * The single-use secret `POST /api/push/action` requires to apply this push's buttons
   * (approval pushes only); minted per registration and send, never logged.
   */
  readonly action_secret?: string;
}

/**
 * A seed app's `data` (pushDialects.ts): flat strings and numbers, so every provider (FCM's
 * string-only `data` included) carries it unchanged.
 */
export type SeedPushData = Readonly<Record<string, string | number>>;

/** One notification, independent of any provider's wire format. */
export interface PushNotification {
  readonly title: string;
  readonly subtitle: string;
  readonly body: string;
  readonly category: PushCategory;
  /** Groups and collapses notifications of one session (the session id). */
  readonly threadId: string;
  readonly urgency: PushUrgency;
  /** `high` delivers at once (APNs priority 10); `normal` may be delayed for power (5). */
  readonly priority: 'high' | 'normal';
  /** Epoch milliseconds after which delivery is pointless; providers map it to their expiry/TTL. */
  readonly expiresAt: number;
  /** The app icon's badge: live decision prompts across sessions (APNs `aps.badge`). */
  readonly badge?: number;
  /** Tether's `data`, or a seed app's for a registration made in a seed's dialect. */
  readonly data: PushData | SeedPushData;
}

/** A notification in Tether's own shape (before a registration's dialect reshapes it). */
export interface TetherPushNotification extends PushNotification {
  readonly data: PushData;
}

/** The classified outcome of one send to one registration. */
export type PushResult =
  | { readonly status: 'sent' }
  | {
      readonly status: 'failed';
      /** The provider's HTTP status, when the request got an answer. */
      readonly httpStatus?: number;
      /** The provider's reason code (e.g. APNs `TooManyRequests`) or a short transport cause. */
      readonly reason: string;
      /** True when the same send may succeed later (429, 5xx, network errors). */
      readonly retryable: boolean;
      /** The provider's Retry-After, in ms, when it sent one (429/503). */
      readonly retryAfterMs?: number;
    }
  | {
      readonly status: 'token_removed';
      /** The provider's reason code (e.g. APNs `Unregistered`, `BadDeviceToken`). */
      readonly reason: string;
    };

/** Removes the delivered notification of one prompt (its wait was cleared). */
export interface PushRetraction {
  readonly session_id: string;
  readonly prompt_id: string;
  /** The thread/collapse id the notification was sent with (the session id). */
  readonly threadId: string;
  /** Why the prompt ended (`waiting_cleared.cause`: `answered`, `timed_out`, …), when known. */
  readonly cause?: string;
  /** Live decision prompts left across sessions, for the app to set its badge. */
  readonly badge?: number;
  /** The seed app's names for the same ids (pushDialects.ts), added to the retraction's `data`. */
  readonly aliases?: SeedPushData;
}

/**
 * The `content-state` of Tether's Live Activity (Apple: ActivityKit push notifications,
 * "Update and end a Live Activity"). Field names are the app's Swift ContentState.
 */
export interface LiveActivityContentState {
  /** `completed` / `error`: the activity ended with a turn's end (seed "Task Complete") or a failed exit. */
  readonly status: 'busy' | 'waiting' | 'idle' | 'exited' | 'completed' | 'error';
  /** The CLI's busy line (spinner text), e.g. "Pondering…". */
  readonly currentOperation: string;
  readonly elapsedSeconds: number;
  readonly todoProgress: { readonly completed: number; readonly total: number };
  /**
   * Set while a prompt is live. `expiresAt` (epoch seconds) when it expires, for a countdown;
   * `timedOut` once its time ran out and it still waits (`on_timeout: notify`).
   */
  readonly approvalRequest?: { readonly toolName: string; readonly summary: string; readonly promptId: string; readonly expiresAt?: number; readonly timedOut?: boolean };
  /** The last prompt's expiry answered it with its deny option (until the next wait). */
  readonly lastTimeout?: { readonly promptId: string; readonly action: 'denied' };
}

/**
 * The `content-state` of the `ios-backend` seed's Live Activity (`backend-events-apns-live-activities.md`,
 * "Event Triggers"; pushDialects.ts builds it from Tether's).
 */
export interface IosBackendActivityState {
  readonly status: 'awaitingApproval' | 'awaitingAnswer' | 'processing' | 'completed' | 'error';
  readonly currentOperation: string;
  readonly elapsedSeconds: number;
  readonly todoProgress: { readonly completed: number; readonly total: number };
  /** While an approval or a question is live; `requestId` is Tether's `prompt_id`, `expiresAt` epoch seconds. */
  readonly approvalRequest?: { readonly requestId: string; readonly toolName: string; readonly summary: string; readonly expiresAt?: number };
}

/** One Live Activity push (`apns-push-type: liveactivity`). */
export interface LiveActivityUpdate {
  readonly event: 'update' | 'end';
  /** Tether's state, or the `ios-backend` seed's for a registration made in that dialect. */
  readonly contentState: LiveActivityContentState | IosBackendActivityState;
  /** Epoch seconds (APNs `timestamp`): later updates win. */
  readonly timestamp: number;
  /** Epoch seconds after which the system shows the activity as stale. */
  readonly staleDate?: number;
  /** Epoch seconds when an ended activity leaves the lock screen (`end` only). */
  readonly dismissalDate?: number;
}

/** A push service (APNs, FCM, …) that delivers to registrations of one token type. */
export interface IPushProvider {
  /** The registrations this provider serves. */
  readonly tokenType: PushTokenType;
  /** Delivers one notification to one registration; failures come back as results, not throws. */
  send(registration: PushRegistration, notification: PushNotification): Promise<PushResult>;
  /**
   * Removes a delivered notification: APNs background push (`content-available`) naming the
   * prompt_id, FCM data message, Web Push message the service worker handles with
   * `getNotifications()` + `close()`. Providers without a way to retract omit it.
   */
  retract?(registration: PushRegistration, retraction: PushRetraction): Promise<PushResult>;
  /** Sets the app icon's badge with an alert-less push (APNs `{"aps": {"badge": n}}`); the dispatcher clears it to 0. */
  setBadge?(registration: PushRegistration, badge: number): Promise<PushResult>;
  /** Sends a Live Activity update or end (APNs only). */
  sendLiveActivity?(registration: PushRegistration, update: LiveActivityUpdate): Promise<PushResult>;
  /** Closes connections and timers; later sends fail with `retryable: false`. */
  close(): Promise<void>;
}

/** Fired once per send attempt with its result. */
export interface PushAttempt {
  readonly prompt_id: string;
  readonly device_id: string;
  readonly provider: PushTokenType;
  readonly result: PushResult;
}

/** Log sink: level, message and structured fields. */
export type PushLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;
