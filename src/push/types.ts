/**
 * The push zone's vocabulary: the provider-neutral notification the dispatcher builds, the
 * provider interface (APNs today; FCM, Expo and Web Push later) and the classified send result.
 * Providers never throw for a delivery failure; they return a `PushResult`.
 */
import type { WaitType } from '../common/index.js';
import type { PushRegistration, PushTokenType } from '../store/types.js';

/** Notification categories; a native app registers these with their actions (docs/push.md). */
export const PUSH_CATEGORIES = ['PERMISSION_REQUEST', 'PLAN_APPROVAL', 'QUESTION_ASKED', 'TASK_COMPLETE'] as const;
/** A notification category identifier. */
export type PushCategory = (typeof PUSH_CATEGORIES)[number];

/** How urgently the notification should break through (APNs `interruption-level`). */
export type PushUrgency = 'time-sensitive' | 'active';

/** The app-facing `data` dictionary of a payload (wire names, snake_case). */
export interface PushData {
  readonly type: 'waiting_for_input';
  readonly session_id: string;
  readonly prompt_id: string;
  readonly wait_type: WaitType;
  readonly tool_name?: string;
  /** ISO 8601, the time the prompt appeared. */
  readonly timestamp: string;
}

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
    }
  | {
      readonly status: 'token_removed';
      /** The provider's reason code (e.g. APNs `Unregistered`, `BadDeviceToken`). */
      readonly reason: string;
    };

/** A push service (APNs, FCM, …) that delivers to registrations of one token type. */
export interface IPushProvider {
  /** The registrations this provider serves. */
  readonly tokenType: PushTokenType;
  /** Delivers one notification to one registration; failures come back as results, not throws. */
  send(registration: PushRegistration, notification: PushNotification): Promise<PushResult>;
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
