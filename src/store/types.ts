/**
 * Records Tether keeps on disk: paired devices and push registrations.
 */

/** A paired device. The token itself is never stored, only its SHA-256 hash (hex). */
export interface DeviceRecord {
  readonly device_id: string;
  readonly device_name: string;
  readonly platform?: string;
  readonly token_hash: string;
  /** ISO 8601. */
  readonly paired_at: string;
  readonly last_seen: string;
}

/** A push provider's token kind. */
export type PushTokenType = 'apns' | 'fcm' | 'expo' | 'webpush';

/** One push registration of one device. */
export interface PushRegistration {
  readonly device_id: string;
  readonly token: string;
  readonly token_type: PushTokenType;
  readonly platform: string;
  /** APNs environment; defaults to the configured one. */
  readonly environment?: 'sandbox' | 'production';
  readonly registered_at: string;
}

/** Push registrations, as the push dispatcher needs them. */
export interface IPushRegistry {
  list(): PushRegistration[];
  /** Adds or replaces (same token) a registration. */
  add(registration: PushRegistration): void;
  /** Removes a token (e.g. APNs 410 / BadDeviceToken). */
  removeToken(token: string): void;
}
