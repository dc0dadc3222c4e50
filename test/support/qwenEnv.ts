/**
 * A throwaway Qwen Code environment: temp HOME and project dir, `~/.qwen/settings.json` with the
 * OpenAI auth type (so the CLI talks to the mock Chat Completions server from OPENAI_BASE_URL),
 * telemetry, update checks and usage statistics off, and the project folder trusted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AGENT_CLI_VERSIONS, agentCliBin } from './agentClis.js';

/** Qwen Code version the parser and fixtures were made with. */
export const QWEN_VERSION = AGENT_CLI_VERSIONS['@qwen-code/qwen-code'] ?? '0.15.10';
/** The Qwen Code executable. */
export const QWEN_BIN = agentCliBin('qwen');

/** Options for {@link makeQwenEnv}. */
export interface QwenEnvOptions {
  /** The mock's base URL including `/v1`. */
  readonly baseUrl: string;
  readonly projectDir?: string;
  readonly home?: string;
  readonly files?: Readonly<Record<string, string>>;
  /** Approval mode (`default` asks before tools; `plan` starts in plan mode). */
  readonly approvalMode?: 'default' | 'plan';
}

/** A seeded environment. */
export interface QwenEnv {
  readonly home: string;
  readonly projectDir: string;
  readonly env: Record<string, string>;
  cleanup(): void;
}

function freshDir(given: string | undefined, prefix: string): string {
  if (!given) return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.rmSync(given, { recursive: true, force: true });
  fs.mkdirSync(given, { recursive: true });
  return given;
}

/**
 * Creates HOME and project dir, seeds `~/.qwen/settings.json` and builds the env.
 * @throws Error when the directories cannot be created.
 */
export function makeQwenEnv(options: QwenEnvOptions): QwenEnv {
  const home = freshDir(options.home, 'tether-qwen-home-');
  const projectDir = freshDir(options.projectDir, 'tether-qwen-project-');
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    const file = path.join(projectDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const qwenDir = path.join(home, '.qwen');
  fs.mkdirSync(qwenDir, { recursive: true });
  const settings = {
    security: { auth: { selectedType: 'openai' }, folderTrust: { enabled: false } },
    model: { name: 'mock-model' },
    general: { disableAutoUpdate: true, disableUpdateNag: true, checkpointing: { enabled: false } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    ide: { enabled: false, hasSeenNudge: true },
    ui: { hideTips: true, theme: 'Default' },
    tools: { approvalMode: options.approvalMode ?? 'default' },
  };
  fs.writeFileSync(path.join(qwenDir, 'settings.json'), JSON.stringify(settings, null, 2));
  fs.writeFileSync(path.join(qwenDir, 'trustedFolders.json'), JSON.stringify({ [projectDir]: 'TRUST_FOLDER' }, null, 2));
  const env: Record<string, string> = {
    HOME: home,
    USER: 'tether',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    OPENAI_API_KEY: 'sk-tether-mock',
    OPENAI_BASE_URL: options.baseUrl,
    OPENAI_MODEL: 'mock-model',
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
