/**
 * Core's public face: transport and push import core only through this file (the lint in
 * `npm run typecheck` enforces it); the daemon, the CLI and the tests may reach further.
 */
export { SessionManager } from './sessionManager.js';
export type { LiveSessionOptions, SessionManagerOptions } from './sessionManager.js';
export type { ISessionService, ISessionActivitySource, CreateSessionOptions, ApprovalResponse, AnswerOptions, InputOptions } from './sessionService.js';
export { systemClock, VirtualClock } from './clocks.js';
export { PromptQueue } from './promptQueue.js';
export type { QueueItemPatch } from './promptQueue.js';
export { Autoplay, DESK_QUIET_MS, SUBMIT_CHECK_MS } from './autoplay.js';
export type { AutoplayHost } from './autoplay.js';
export { replayCast } from './replay.js';
export type { ReplayEvent, ReplayInput } from './replay.js';
// The CLI registry, for the zones that may not import parsers/ themselves (push, transport).
export { cliCatalog, getCli, isCliType } from '../../parsers/index.js';
export type { CliDescriptor, CliSummary } from '../../parsers/index.js';
export { HOOK_TOKEN_ENV, HOOK_URL_ENV } from './sessionVoice.js';
export type { VoiceEndpoint } from './sessionVoice.js';
