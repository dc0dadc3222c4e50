/**
 * The shapes the transport zone shares between its files and with the daemon: what a phone
 * registers for push, what it reports about its app's state, a push test's answer, and one
 * HTTP request as a route handler sees it. It imports only auth.ts's types, so the
 * route and frame handlers can use these without importing the server or the route table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushResultMessage } from '../common/protocol.js';
import type { PushDialect, RegistrationTokenType } from '../store/types.js';
import type { Identity } from './auth.js';

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
  /** The seed app whose payloads it gets: the socket's dialect, `cdev` for JSON-RPC (src/push/pushDialects.ts). */
  readonly dialect?: PushDialect;
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

/** One HTTP request as a route handler sees it (the route table in httpRoutes.ts builds it). */
export interface RouteCall<Body = unknown> {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** The caller for `admin` and `desktop` routes. */
  readonly caller?: Identity;
  /** The values of the route path's `:name` segments, in order. */
  readonly params: readonly string[];
  /** The JSON body, validated against the endpoint's `body` schema (undefined when it has none). */
  readonly body: Body;
}
