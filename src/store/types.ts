/**
 * Records Tether keeps on disk: paired devices, their push registrations (alert tokens and
 * per-session Live Activity tokens) and each device's notification preferences (quiet hours,
 * per-wait-type switches).
 */
import type { Right, WaitType } from '../common/index.js';

/** A paired device. The token itself is never stored, only its SHA-256 hash (hex). */
export interface DeviceRecord {
  readonly device_id: string;
  readonly device_name: string;
  /** A label the client chose at pairing ("ios", "web", …); it grants nothing. */
  readonly platform?: string;
  readonly token_hash: string;
  /**
   * What the device may do, fixed when its credential was minted (src/common/scopes.ts).
   * Records written before scopes existed load with the phone's rights.
   */
  readonly scopes: readonly Right[];
  /** ISO 8601. */
  readonly paired_at: string;
  readonly last_seen: string;
  /** ISO 8601 time the token stops working (`auth.token_ttl_days`); absent: never. */
  readonly expires_at?: string;
}

/** A push provider's token kind. */
export type PushTokenType = 'apns' | 'fcm' | 'expo' | 'webpush';

/** A registration's kind: a provider token, or an APNs Live Activity push token of one session. */
export type RegistrationTokenType = PushTokenType | 'live_activity';

/** A seed app whose push payload Tether speaks (issue 11 §4); `tether` is Tether's own. */
export type PushDialect = 'tether' | 'mobilecli' | 'craft' | 'ios-backend' | 'cdev';

/** One push registration of one device. A device may hold several. */
export interface PushRegistration {
  /** The device the notifications are for (rate limit, preferences and reports use it). */
  readonly device_id: string;
  readonly token: string;
  readonly token_type: RegistrationTokenType;
  readonly platform: string;
  /** APNs environment; defaults to the configured one. */
  readonly environment?: 'sandbox' | 'production';
  /** ISO 8601. */
  readonly registered_at: string;
  /** Live Activity tokens only: the session the activity shows. */
  readonly session_id?: string;
  /** The paired device (connection identity) that registered it; absent for older records. */
  readonly owner_id?: string;
  /**
   * The seed app the registration came from, which shapes its pushes (src/push/pushDialects.ts):
   * the `/ws` dialect of the connection that registered it, `cdev` for JSON-RPC `device/register`
   * (seed `push-notifications-for-permission-requests.md`); absent: Tether's own payload.
   */
  readonly dialect?: PushDialect;
  /** Labels from JSON-RPC `device/register`. */
  readonly device_name?: string;
  readonly app_version?: string;
  readonly os_version?: string;
}

/** Local-time window in which a device gets no pushes ("22:00"–"07:00" wraps midnight). */
export interface QuietHours {
  /** "HH:MM", 24-hour, inclusive. */
  readonly start: string;
  /** "HH:MM", 24-hour, exclusive. */
  readonly end: string;
  /** IANA time zone ("Europe/Berlin"); the daemon's local zone when absent. */
  readonly time_zone?: string;
}

/** Per-device notification preferences; anything absent means "push". */
export interface DevicePreferences {
  readonly quiet_hours?: QuietHours | null;
  /** `false` turns a wait type's pushes off for the device. */
  readonly wait_types?: Partial<Record<WaitType, boolean>>;
  /** `true` turns on "Task complete" / "Task failed" pushes at a turn's end (off by default). */
  readonly task_pushes?: boolean;
}

/** Push registrations, as the push dispatcher needs them. */
export interface IPushRegistry {
  list(): PushRegistration[];
  /** Adds or replaces (same token) a registration. */
  add(registration: PushRegistration): void;
  /** Removes a token (e.g. APNs 410 / BadDeviceToken, or an ended Live Activity). */
  removeToken(token: string): void;
}
