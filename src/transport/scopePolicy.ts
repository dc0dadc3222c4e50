/**
 * Which right each WebSocket message and session route needs (the auth helper checks it
 * before the message runs; the REST session routes use authorizeStart / authorizeControl):
 * viewing needs `view`; answers need `answer`; typing, resizing and closing need `input`, and
 * on the desk's own `tether run` sessions also `desk` (a plain phone may still pick on-screen
 * options there, but not type); renaming and deleting are `input` too; resuming also needs the
 * right to start the session's command; starting a session needs `start_any`, or `start` within the
 * start policy: one of the configured CLIs (`sessions.allowed_clis`, default every agent CLI
 * Tether knows, no shells), no arguments, in a configured folder (`sessions.allowed_roots`,
 * default the home directory). Symlinks are resolved before the folder check.
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { TetherError } from '../common/index.js';
import type { ClientMessage } from '../common/protocol.js';
import { cliCatalog } from '../core/index.js';
import type { Authenticator, Identity } from './auth.js';

/** CLI ids that are not agents: a phone with the default policy never starts a bare shell. */
const NOT_AGENTS: ReadonlySet<string> = new Set(['shell', 'generic']);

/** What a device with `start` (and not `start_any`) may start. */
export interface StartPolicy {
  /** Bare command names (`claude`, `codex`, …). */
  readonly allowedClis: ReadonlySet<string>;
  /** Absolute folders, symlinks resolved; a session may start in one of them or below. */
  readonly allowedRoots: readonly string[];
  /** Where a session without `cwd` starts (core's default). */
  readonly homeDir: string;
}

/** What the message check needs besides the identity. */
export interface ScopeContext {
  readonly auth: Authenticator;
  /** Ids of sessions the local admin started (`tether run`). */
  readonly deskSessions: ReadonlySet<string>;
  readonly startPolicy: StartPolicy;
  /** What started a session (its command, args and folder), for `resume_session`; undefined for an unknown id. */
  readonly startOf?: (sessionId: string) => StartRequest | undefined;
}

/**
 * Builds the start policy from the config: `allowedClis` (default: every agent CLI's commands
 * from the registry) and `allowedRoots` (`~` and `~/…` expand to the home directory).
 * @throws never
 */
export function buildStartPolicy(options: { allowedClis?: readonly string[]; allowedRoots?: readonly string[]; homeDir?: string } = {}): StartPolicy {
  const home = options.homeDir ?? homedir();
  const clis = options.allowedClis ?? cliCatalog().filter((cli) => !NOT_AGENTS.has(cli.id)).flatMap((cli) => cli.commands);
  const roots = (options.allowedRoots ?? ['~']).map((root) => canonical(root === '~' ? home : root.startsWith('~/') ? join(home, root.slice(2)) : resolve(root)));
  return { allowedClis: new Set(clis), allowedRoots: roots, homeDir: home };
}

/**
 * Refuses a message the identity's scope does not allow. Run after the frame parsed and
 * before it is handled.
 * @throws TetherError FORBIDDEN naming the missing right or the policy rule
 */
export function authorizeMessage(context: ScopeContext, identity: Identity, message: ClientMessage): void {
  const { auth } = context;
  const desk = 'session_id' in message && message.session_id !== undefined && context.deskSessions.has(message.session_id);
  switch (message.type) {
    case 'create_session':
      return authorizeStart(context, identity, message);
    case 'close_session':
    case 'delete_session':
    case 'rename_session':
    case 'send_input':
    case 'resize':
      return authorizeControl(context, identity, message.session_id);
    case 'resume_session': {
      // Resuming runs the session's command again: the caller must be allowed to start it.
      authorizeControl(context, identity, message.session_id);
      const start = context.startOf?.(message.session_id);
      if (start !== undefined) authorizeStart(context, identity, start);
      else if (!auth.may(identity, 'start_any')) auth.require(identity, 'start');
      return;
    }
    case 'tool_approval':
      return auth.require(identity, 'answer');
    case 'answer':
      auth.require(identity, 'answer');
      if (desk && message.text !== undefined) requireDesk(auth, identity);
      return;
    default:
      return auth.require(identity, 'view');
  }
}

/**
 * Refuses a session start outside the identity's scope: `start_any` starts anything; `start`
 * only the start policy's CLIs, without arguments, in its folders.
 * @throws TetherError FORBIDDEN
 */
export function authorizeStart(context: ScopeContext, identity: Identity, start: StartRequest): void {
  if (context.auth.may(identity, 'start_any')) return;
  context.auth.require(identity, 'start');
  checkStart(context.startPolicy, start);
}

/**
 * Refuses typing into, resizing or closing a session without `input` (and `desk` for the
 * desk's own `tether run` sessions).
 * @throws TetherError FORBIDDEN
 */
export function authorizeControl(context: ScopeContext, identity: Identity, sessionId: string): void {
  context.auth.require(identity, 'input');
  if (context.deskSessions.has(sessionId)) requireDesk(context.auth, identity);
}

/** What a start names: the CLI (or command), its arguments and folder. */
export interface StartRequest {
  readonly cli: string;
  readonly args?: readonly string[];
  readonly cwd?: string;
}

function requireDesk(auth: Authenticator, identity: Identity): void {
  if (!auth.may(identity, 'desk')) throw new TetherError('FORBIDDEN', "this is the desk's own terminal (tether run); typing into it needs a device paired with --scope full");
}

/** @throws TetherError FORBIDDEN when the start is outside the policy */
function checkStart(policy: StartPolicy, message: StartRequest): void {
  if ((message.args ?? []).length > 0) throw new TetherError('FORBIDDEN', 'this device starts sessions without arguments (pair it with --scope full for more)');
  if (!policy.allowedClis.has(message.cli)) {
    throw new TetherError('FORBIDDEN', `this device may start only: ${[...policy.allowedClis].join(', ')} (sessions.allowed_clis)`);
  }
  if (message.cwd !== undefined && !isAbsolute(message.cwd)) throw new TetherError('FORBIDDEN', 'cwd must be an absolute path');
  const folder = canonical(message.cwd ?? policy.homeDir);
  if (!policy.allowedRoots.some((root) => isInside(folder, root))) {
    throw new TetherError('FORBIDDEN', 'this device may start sessions only under the folders in sessions.allowed_roots');
  }
}

/** `path` with symlinks resolved when it exists, else as written (core then refuses it). */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isInside(path: string, root: string): boolean {
  const rest = relative(root, path);
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
}
