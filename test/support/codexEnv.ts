/**
 * A throwaway Codex CLI 0.169 environment: temp HOME and project dir, a `$CODEX_HOME/config.toml`
 * that points Codex at the mock Responses API (no retries, on-request approvals, workspace-write
 * sandbox, trusted project, analytics and update checks off), and a cleanup that also ends the
 * detached `codex app-server` processes Codex leaves behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentCliBin } from './agentClis.js';

/** Codex version the config, screens and fixtures were made with. */
export const CODEX_VERSION = '0.169.0';

/** The Codex launcher installed by test/installAgentClis.mjs. */
export const CODEX_BIN = agentCliBin('codex');

/** The env var the mock provider reads its (fake) key from (not TETHER_*: the daemon strips those). */
export const CODEX_KEY_ENV = 'CODEX_MOCK_API_KEY';

/** Options for {@link makeCodexEnv}. */
export interface CodexEnvOptions {
  /** The mock server's base URL including `/v1`, e.g. `http://127.0.0.1:4000/v1`. */
  readonly baseUrl: string;
  /** Use this project dir instead of a fresh temp one (emptied first). */
  readonly projectDir?: string;
  /** Use this HOME instead of a fresh temp one (emptied first). */
  readonly home?: string;
  /** Marks the project trusted in config.toml (default true). */
  readonly trust?: boolean;
  /** Files to create in the project dir, relative path → content. */
  readonly files?: Readonly<Record<string, string>>;
  /** Extra TOML lines appended at the top level of config.toml. */
  readonly extraConfig?: readonly string[];
  /** False leaves the model-migration notice unseen, so its dialog shows at startup. */
  readonly migrationSeen?: boolean;
  /** Model slug (default {@link CODEX_MODEL}). */
  readonly model?: string;
}

/** A seeded environment. */
export interface CodexEnv {
  readonly home: string;
  readonly codexHome: string;
  readonly projectDir: string;
  /** The full environment for the CLI process. */
  readonly env: Record<string, string>;
  /** Kills the app-server processes of this CODEX_HOME, then removes HOME and the project dir. */
  cleanup(): void;
}

/**
 * The model slug: one from Codex's bundled catalog, so the tool set is the real one (apply_patch
 * as a freeform tool) and no "unknown model" warning shows; the mock answers any name.
 */
export const CODEX_MODEL = 'gpt-5.5';

/** config.toml for the mock provider. /tmp is not writable in the sandbox, so edits outside the project ask. */
export function codexConfig(baseUrl: string, projectDir: string, trust: boolean, extra: readonly string[] = [], model = CODEX_MODEL, migrationSeen = true): string {
  return [
    `model = "${model}"`,
    'model_provider = "mock"',
    'approval_policy = "on-request"',
    'sandbox_mode = "workspace-write"',
    'check_for_update_on_startup = false',
    'hide_agent_reasoning = true',
    ...extra,
    '',
    '[model_providers.mock]',
    'name = "Mock"',
    `base_url = "${baseUrl}"`,
    'wire_api = "responses"',
    `env_key = "${CODEX_KEY_ENV}"`,
    'request_max_retries = 0',
    'stream_max_retries = 0',
    'stream_idle_timeout_ms = 60000',
    '',
    '[sandbox_workspace_write]',
    'exclude_slash_tmp = true',
    'exclude_tmpdir_env_var = true',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    ...(migrationSeen ? ['[notice.model_migrations]', `"${model}" = "gpt-6-sol"`, ''] : []),
    ...(trust ? [`[projects."${projectDir}"]`, 'trust_level = "trusted"', ''] : []),
  ].join('\n');
}

function freshDir(dir: string | undefined, prefix: string): string {
  if (!dir) return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Creates HOME, CODEX_HOME and the project dir, writes config.toml, builds the env.
 * @throws Error when the directories cannot be created.
 */
export function makeCodexEnv(options: CodexEnvOptions): CodexEnv {
  const home = freshDir(options.home, 'tether-codex-home-');
  const projectDir = freshDir(options.projectDir, 'tether-codex-project-');
  const codexHome = path.join(home, '.codex');
  fs.mkdirSync(codexHome, { recursive: true });
  fs.writeFileSync(path.join(codexHome, 'config.toml'), codexConfig(options.baseUrl, projectDir, options.trust !== false, options.extraConfig, options.model, options.migrationSeen !== false));
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    const file = path.join(projectDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const env: Record<string, string> = {
    HOME: home,
    USER: 'tether',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    CODEX_HOME: codexHome,
    [CODEX_KEY_ENV]: 'sk-tether-mock-key',
  };
  return {
    home,
    codexHome,
    projectDir,
    env,
    cleanup() {
      killCodexProcesses(codexHome);
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(projectDir, { recursive: true, force: true });
    },
  };
}

/**
 * The pids of processes whose environment holds `CODEX_HOME=<codexHome>` or whose command line
 * names it (the detached `codex app-server` under `$CODEX_HOME/packages/`).
 */
export function codexProcesses(codexHome: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmdline.includes(codexHome) || environ.split('\0').includes(`CODEX_HOME=${codexHome}`)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Blocks the thread for `ms` (cleanup runs synchronously). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * SIGKILLs every process of {@link codexProcesses}, rescanning until two scans in a row find
 * none (the daemon launcher may still be forking), for at most `maxMs`. Returns how many it signalled.
 */
export function killCodexProcesses(codexHome: string, maxMs = 3000): number {
  let count = 0;
  let quietScans = 0;
  const deadline = Date.now() + maxMs;
  while (quietScans < 2 && Date.now() < deadline) {
    const pids = codexProcesses(codexHome);
    quietScans = pids.length === 0 ? quietScans + 1 : 0;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        count += 1;
      } catch {
        // already gone
      }
    }
    pause(150);
  }
  return count;
}
