/**
 * The `approvals` section of the config: how long a decision prompt (tool approval, plan
 * approval, question) waits and what its expiry does, with overrides per wait type and per
 * CLI, and the resolver that turns it into one rule for a prompt.
 */
import { z } from 'zod';
import { ON_TIMEOUT_ACTIONS } from '../common/index.js';
import type { ApprovalRule, CliType, WaitType } from '../common/index.js';

/** The seeds' 60 s (backend-events-apns-live-activities.md, permission-flow-and-config-watcher-plan.md). */
export const DEFAULT_TIMEOUT_SECONDS = 60;
/** The warning before a `deny` expiry: long enough to pick up the phone and answer. */
export const DEFAULT_WARN_SECONDS = 15;
/** A day: a longer wait is no timeout at all (use 0 for "never"). */
const MAX_TIMEOUT_SECONDS = 86_400;

/** One level of settings; unset fields fall through to the level below. */
const levelSchema = z.object({
  /** Seconds from the prompt's appearance to its expiry; 0: never expires. */
  timeout_seconds: z.number().int().min(0).max(MAX_TIMEOUT_SECONDS).optional(),
  /** `notify` (default): tell the user, the prompt stays answerable; `deny`: answer it with its deny option. */
  on_timeout: z.enum(ON_TIMEOUT_ACTIONS).optional(),
  /** `deny` only: seconds before the expiry that the warning push goes (at most half the timeout). */
  warn_seconds: z.number().int().min(0).max(MAX_TIMEOUT_SECONDS).optional(),
});

const waitTypesSchema = z
  .object({
    tool_approval: levelSchema.optional(),
    plan_approval: levelSchema.optional(),
    clarifying_question: levelSchema.optional(),
  })
  .strict();

/** `approvals`: defaults, then `wait_types.<type>`, `clis.<cli>`, `clis.<cli>.wait_types.<type>` (most specific wins). */
export const approvalsSchema = z.object({
  timeout_seconds: z.number().int().min(0).max(MAX_TIMEOUT_SECONDS).default(DEFAULT_TIMEOUT_SECONDS),
  on_timeout: z.enum(ON_TIMEOUT_ACTIONS).default('notify'),
  warn_seconds: z.number().int().min(0).max(MAX_TIMEOUT_SECONDS).default(DEFAULT_WARN_SECONDS),
  wait_types: waitTypesSchema.default({}),
  /** By CLI id (`claude`, `codex`, …). */
  clis: z.record(z.string(), levelSchema.extend({ wait_types: waitTypesSchema.optional() })).default({}),
});

/** The parsed `approvals` section. */
export type ApprovalsConfig = z.infer<typeof approvalsSchema>;

/**
 * The rule for a prompt of `waitType` in a session of `cliType`. The idle box
 * (`awaiting_response`) never expires: undefined.
 */
export function approvalRuleFor(config: ApprovalsConfig, waitType: WaitType, cliType: CliType): ApprovalRule | undefined {
  if (waitType === 'awaiting_response') return undefined;
  const cli = Object.hasOwn(config.clis, cliType) ? config.clis[cliType] : undefined;
  const levels = [config, config.wait_types[waitType], cli, cli?.wait_types?.[waitType]];
  let timeout = config.timeout_seconds;
  let onTimeout = config.on_timeout;
  let warn = config.warn_seconds;
  for (const level of levels) {
    timeout = level?.timeout_seconds ?? timeout;
    onTimeout = level?.on_timeout ?? onTimeout;
    warn = level?.warn_seconds ?? warn;
  }
  return { timeoutMs: timeout * 1000, onTimeout, warnMs: warn * 1000 };
}
