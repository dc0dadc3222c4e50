/** Core's public face for transport, push and the daemon. */
export { SessionManager } from './sessionManager.js';
export type { SessionManagerOptions } from './sessionManager.js';
export type { ISessionService, ISessionActivitySource, CreateSessionOptions, ApprovalResponse, InputOptions } from './sessionService.js';
export { replayCast } from './replay.js';
export type { ReplayEvent, ReplayInput } from './replay.js';
