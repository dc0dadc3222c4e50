/**
 * A throwaway Claude Code environment: temp HOME and project dir, a seeded `~/.claude.json`
 * that skips (or shows) the startup dialogs, and the env that points the CLI at the mock
 * Anthropic server with every non-essential network feature off.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Claude Code version the seeds and fixtures were made with. */
export const CLAUDE_VERSION = '2.1.197';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above test/support');
    dir = parent;
  }
  return dir;
}

/** The repository root (works from `test/support` and from `dist/test/support`). */
export const REPO_ROOT = findRepoRoot();

/** Absolute path of the native Claude Code binary installed as a devDependency. */
export const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe');

/** The fake key: its last 20 characters are what `customApiKeyResponses.approved` holds. */
export const MOCK_API_KEY = 'sk-ant-api03-tether-mock-key-0000000000000000-AAAAAAAAAAAAAAAAAAAA';

/** Options for {@link makeClaudeEnv}. */
export interface ClaudeEnvOptions {
  /** The mock server's base URL. */
  readonly baseUrl: string;
  /** 'skip' seeds onboarding as done; 'show' leaves it out so the theme dialog appears. */
  readonly onboarding?: 'skip' | 'show';
  /** Seeds `hasTrustDialogAccepted` for the project dir (default true). */
  readonly trust?: boolean;
  /** Seeds the key as approved (default true); false shows the custom API key dialog. */
  readonly apiKeyApproved?: boolean;
  /** Use this project dir instead of a fresh temp one (created when missing). */
  readonly projectDir?: string;
  /** Use this HOME instead of a fresh temp one (created when missing, emptied first). */
  readonly home?: string;
  /** Files to create in the project dir, relative path → content. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A seeded environment. */
export interface ClaudeEnv {
  readonly home: string;
  readonly projectDir: string;
  /** The full environment for the CLI process. */
  readonly env: Record<string, string>;
  /** Removes HOME and the project dir. */
  cleanup(): void;
}

/**
 * Creates HOME and project dir, seeds `~/.claude.json` and builds the env.
 * Seen with 2.1.197: all defaults → the idle box; `trust: false` → trust dialog;
 * `apiKeyApproved: false` → API-key dialog; `onboarding: 'show'` → theme, security notes, trust.
 * Onboarding shown *and* key not approved → "Unable to connect to Anthropic services", exit 1
 * (an onboarding pre-flight to api.anthropic.com), so never combine those two.
 * @throws Error when the directories cannot be created.
 */
export function makeClaudeEnv(options: ClaudeEnvOptions): ClaudeEnv {
  const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tether-claude-home-'));
  if (options.home) {
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home, { recursive: true });
  }
  const projectDir = options.projectDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tether-claude-project-'));
  if (options.projectDir) {
    fs.rmSync(projectDir, { recursive: true, force: true });
    fs.mkdirSync(projectDir, { recursive: true });
  }
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    const file = path.join(projectDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  fs.mkdirSync(path.join(home, '.claude'), { recursive: true });

  const config: Record<string, unknown> = {
    numStartups: 1,
    firstStartTime: '2026-01-01T00:00:00.000Z',
    userID: '0'.repeat(64),
    autoUpdates: false,
    customApiKeyResponses: {
      approved: options.apiKeyApproved === false ? [] : [MOCK_API_KEY.slice(-20)],
      rejected: [],
    },
    projects: {
      [projectDir]: {
        allowedTools: [],
        hasTrustDialogAccepted: options.trust !== false,
        hasCompletedProjectOnboarding: true,
        projectOnboardingSeenCount: 1,
      },
    },
  };
  if (options.onboarding !== 'show') {
    Object.assign(config, { hasCompletedOnboarding: true, lastOnboardingVersion: CLAUDE_VERSION, theme: 'dark' });
  }
  fs.writeFileSync(path.join(home, '.claude.json'), JSON.stringify(config, null, 2));

  const env: Record<string, string> = {
    HOME: home,
    USER: 'tether',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: MOCK_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
  return {
    home,
    projectDir,
    env,
    cleanup() {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(projectDir, { recursive: true, force: true });
    },
  };
}
