/**
 * A throwaway Gemini CLI environment: HOME with `~/.gemini/settings.json` (API-key auth,
 * telemetry/statistics/updates off, optional plan mode and folder trust) and
 * `trustedFolders.json`, a project dir, and the env that points the CLI at the mock server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentCliBin, AGENT_CLI_VERSIONS } from './agentClis.js';

/** Gemini CLI version the screens and fixtures were made with. */
export const GEMINI_VERSION = AGENT_CLI_VERSIONS['@google/gemini-cli'] ?? '0.61.0';
/** The installed CLI. */
export const GEMINI_BIN = agentCliBin('gemini');
/** A fake key; the mock accepts anything. */
export const MOCK_GEMINI_KEY = 'tether-mock-gemini-key';

/** Options for {@link makeGeminiEnv}. */
export interface GeminiEnvOptions {
  /** The mock's base URL. */
  readonly baseUrl: string;
  /** Use this project dir (emptied first) instead of a temp one. */
  readonly projectDir?: string;
  /** Use this HOME (emptied first) instead of a temp one. */
  readonly home?: string;
  /** Seed the project as trusted (default true); false shows the trust dialog. */
  readonly trust?: boolean;
  /** Seed the auth type (default true); false leaves it out so the auth dialog shows. */
  readonly auth?: boolean;
  /** Default approval mode in settings (`default`, `plan`, `auto_edit`). */
  readonly approvalMode?: string;
  /** Extra settings merged over the defaults (top-level keys). */
  readonly settings?: Record<string, unknown>;
  /** Files to create in the project, relative path → content. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A seeded environment. */
export interface GeminiEnv {
  readonly home: string;
  readonly projectDir: string;
  readonly env: Record<string, string>;
  /** Removes HOME and the project dir. */
  cleanup(): void;
}

function freshDir(dir: string | undefined, prefix: string): string {
  if (!dir) return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Creates HOME and the project, seeds the settings and builds the env.
 * @throws Error when the directories cannot be created.
 */
export function makeGeminiEnv(options: GeminiEnvOptions): GeminiEnv {
  const home = freshDir(options.home, 'tether-gemini-home-');
  const projectDir = freshDir(options.projectDir, 'tether-gemini-project-');
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    const file = path.join(projectDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const dotGemini = path.join(home, '.gemini');
  fs.mkdirSync(dotGemini, { recursive: true });
  const settings: Record<string, any> = {
    security: {
      ...(options.auth === false ? {} : { auth: { selectedType: 'gemini-api-key' } }),
      folderTrust: { enabled: true },
    },
    telemetry: { enabled: false },
    privacy: { usageStatisticsEnabled: false },
    general: {
      enableAutoUpdate: false,
      enableAutoUpdateNotification: false,
      ...(options.approvalMode ? { defaultApprovalMode: options.approvalMode } : {}),
    },
    ui: { hideTips: true, showReleaseNotes: false },
    ...options.settings,
  };
  fs.writeFileSync(path.join(dotGemini, 'settings.json'), JSON.stringify(settings, null, 2));
  const trusted = options.trust === false ? {} : { [projectDir]: 'TRUST_FOLDER' };
  fs.writeFileSync(path.join(dotGemini, 'trustedFolders.json'), JSON.stringify(trusted, null, 2));

  const env: Record<string, string> = {
    HOME: home,
    USER: 'tether',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    GEMINI_API_KEY: MOCK_GEMINI_KEY,
    GOOGLE_GEMINI_BASE_URL: options.baseUrl,
    NO_BROWSER: 'true',
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
