/** The `approvals` section: defaults, validation, and the most specific level winning per field. */
import { describe, expect, it } from 'vitest';
import { approvalRuleFor, approvalsSchema } from './approvalsConfig.js';
import { parseConfig } from './config.js';

describe('approvals config', () => {
  it('defaults to 60 s and notify with a 15 s warning; the idle box never expires', () => {
    const config = parseConfig('').approvals;
    expect(approvalRuleFor(config, 'tool_approval', 'claude')).toEqual({ timeoutMs: 60_000, onTimeout: 'notify', warnMs: 15_000 });
    expect(approvalRuleFor(config, 'awaiting_response', 'claude')).toBeUndefined();
  });

  it('lets the wait type, then the CLI, then the CLI and wait type override field by field', () => {
    const config = approvalsSchema.parse({
      timeout_seconds: 60,
      on_timeout: 'deny',
      wait_types: { plan_approval: { timeout_seconds: 300 }, clarifying_question: { timeout_seconds: 0 } },
      clis: { codex: { on_timeout: 'notify', wait_types: { plan_approval: { timeout_seconds: 30, warn_seconds: 5 } } } },
    });
    expect(approvalRuleFor(config, 'tool_approval', 'claude')).toEqual({ timeoutMs: 60_000, onTimeout: 'deny', warnMs: 15_000 });
    expect(approvalRuleFor(config, 'plan_approval', 'claude')).toEqual({ timeoutMs: 300_000, onTimeout: 'deny', warnMs: 15_000 });
    expect(approvalRuleFor(config, 'clarifying_question', 'claude')?.timeoutMs).toBe(0);
    expect(approvalRuleFor(config, 'tool_approval', 'codex')).toEqual({ timeoutMs: 60_000, onTimeout: 'notify', warnMs: 15_000 });
    expect(approvalRuleFor(config, 'plan_approval', 'codex')).toEqual({ timeoutMs: 30_000, onTimeout: 'notify', warnMs: 5_000 });
    // A CLI id that merely names an Object.prototype member has no entry: the defaults hold.
    expect(approvalRuleFor(config, 'tool_approval', 'constructor')).toEqual({ timeoutMs: 60_000, onTimeout: 'deny', warnMs: 15_000 });
  });

  it('refuses an unknown action, a negative timeout and a wait type that cannot expire', () => {
    expect(() => parseConfig('approvals: {on_timeout: reject}')).toThrow(/approvals.on_timeout/);
    expect(() => parseConfig('approvals: {timeout_seconds: -1}')).toThrow(/approvals.timeout_seconds/);
    expect(() => parseConfig('approvals: {wait_types: {awaiting_response: {timeout_seconds: 5}}}')).toThrow(/approvals.wait_types/);
  });
});
