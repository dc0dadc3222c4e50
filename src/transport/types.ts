/**
 * The shapes the transport zone shares between its files and with the daemon: what a phone
 * registers for push, what it reports about its app's state, and a push test's answer.
 * A leaf file (it imports no other transport file), so the route and frame handlers can use
 * these types without importing the server that uses them.
 */
import type { PushResultMessage } from '../common/protocol.js';
import type { RegistrationTokenType } from '../store/types.js';

/** A push registration as the phone sends it (`register_push_token` or JSON-RPC `device/register`). */
export interface PushTokenRegistration {
  readonly token: string;
  readonly token_type: RegistrationTokenType;
  readonly platform: string;
  readonly environment?: 'sandbox' | 'production';
  /** Live Activity tokens: the session they belong to. */
  readonly session_id?: string;
  /** JSON-RPC only: the device the token is for (defaults to the caller's paired id) and its labels. */
  readonly device_id?: string;
  readonly device_name?: string;
  readonly app_version?: string;
  readonly os_version?: string;
}

/** An `app_state` report from a paired connection; `gone` when its socket closed. */
export interface AppStateReport {
  readonly connection_id: string;
  readonly device_id: string;
  readonly state: 'active' | 'background' | 'gone';
  readonly session_id?: string;
}

/** One line of `POST /api/admin/push-test`'s answer: a `push_result` without its `type`. */
export type PushTestResult = Omit<PushResultMessage, 'type'>;
