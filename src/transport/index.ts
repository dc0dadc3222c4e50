/**
 * The transport zone's public face: `startTransport` and the types the daemon wires up.
 * Everything else in src/transport is internal.
 */
export {
  startTransport,
  MAX_PAYLOAD_BYTES,
  HEARTBEAT_INTERVAL_MS,
  type Transport,
  type TransportOptions,
  type PushTokenRegistration,
} from './transport.js';
export { ADMIN_DEVICE_ID } from './auth.js';
export { buildStartPolicy, type StartPolicy } from './scopePolicy.js';
export { INSECURE_BIND_WARNING } from './bindPolicy.js';
export { advertisedHost, httpOrigin } from './advertisedHost.js';
export { defaultUiRoot, packageRoot } from './uiFiles.js';
export type { TransportLog } from './clientConnection.js';
