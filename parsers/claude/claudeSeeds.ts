/**
 * The seeded files every Claude Code recording and test starts from: `~/.claude.json` (onboarding,
 * the approved fake key, the trusted project, 2.1.332's offers seen) and
 * `~/.claude/settings.json` (the permission mode). Pure data for ../cliRecording.ts.
 */

/** The fake key: its last 20 characters are what `customApiKeyResponses.approved` holds. */
export const CLAUDE_MOCK_KEY = 'sk-ant-api03-tether-mock-key-0000000000000000-AAAAAAAAAAAAAAAAAAAA';
/** Where Claude Code keeps its state. */
export const CONFIG = '{home}/.claude.json';
/** The user's settings (permission mode and rules). */
export const SETTINGS = '{home}/.claude/settings.json';

/** What `~/.claude.json` says. */
export interface ClaudeConfigOptions {
  readonly trust: boolean;
  readonly keyApproved: boolean;
  readonly onboarded: boolean;
  /** `lastOnboardingVersion` when onboarded. */
  readonly version: string;
  /** 2.1.332: the fullscreen-renderer offer was shown three times (binary: `fullscreenUpsellSeenCount >= 3`), so it is not offered. */
  readonly fullscreenOfferSeen?: boolean;
  /** 2.1.332: the "Make auto mode your default permission mode?" nudge was answered (`hasSeenAutoDefaultNudge`). */
  readonly autoDefaultNudgeSeen?: boolean;
}

/** `~/.claude.json` for the project dir. */
export function claudeConfig(options: ClaudeConfigOptions): string {
  const config: Record<string, unknown> = {
    numStartups: 1,
    firstStartTime: '2026-01-01T00:00:00.000Z',
    userID: '0'.repeat(64),
    autoUpdates: false,
    customApiKeyResponses: { approved: options.keyApproved ? [CLAUDE_MOCK_KEY.slice(-20)] : [], rejected: [] },
    projects: {
      '{project}': { allowedTools: [], hasTrustDialogAccepted: options.trust, hasCompletedProjectOnboarding: true, projectOnboardingSeenCount: 1 },
    },
  };
  if (options.onboarded) Object.assign(config, { hasCompletedOnboarding: true, lastOnboardingVersion: options.version, theme: 'dark' });
  if (options.fullscreenOfferSeen) config.fullscreenUpsellSeenCount = 3;
  if (options.autoDefaultNudgeSeen) config.hasSeenAutoDefaultNudge = true;
  return JSON.stringify(config, null, 2);
}

/** `~/.claude/settings.json` with these permissions (`defaultMode`, `allow`, `ask`, `deny`). */
export function claudeSettings(permissions: Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify({ permissions }, null, 2)}\n`;
}
