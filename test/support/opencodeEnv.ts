/**
 * A throwaway OpenCode environment: temp HOME and project dir, `~/.config/opencode/opencode.json`
 * with a `mock` OpenAI-compatible provider pointing at the mock Chat Completions server and
 * bash/edit permissions set to ask, and the env that turns off updates, model fetches and sharing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AGENT_CLI_VERSIONS, agentCliBin } from './agentClis.js';

/** OpenCode version the parser and fixtures were made with. */
export const OPENCODE_VERSION = AGENT_CLI_VERSIONS['opencode-ai'] ?? '1.18.33';
/** The OpenCode executable. */
export const OPENCODE_BIN = agentCliBin('opencode');

/** Options for {@link makeOpencodeEnv}. */
export interface OpencodeEnvOptions {
  /** The mock's base URL including `/v1`. */
  readonly baseUrl: string;
  /** Use this project dir instead of a fresh temp one (emptied first). */
  readonly projectDir?: string;
  /** Use this HOME instead of a fresh temp one (emptied first). */
  readonly home?: string;
  /** Files to create in the project dir, relative path → content. */
  readonly files?: Readonly<Record<string, string>>;
  /** Permission rules (default bash and edit ask). */
  readonly permission?: Readonly<Record<string, string>>;
}

/** A seeded environment. */
export interface OpencodeEnv {
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
 * Creates HOME and project dir, writes the config and builds the env.
 * @throws Error when the directories cannot be created.
 */
export function makeOpencodeEnv(options: OpencodeEnvOptions): OpencodeEnv {
  const home = freshDir(options.home, 'tether-opencode-home-');
  const projectDir = freshDir(options.projectDir, 'tether-opencode-project-');
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    const file = path.join(projectDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const configDir = path.join(home, '.config', 'opencode');
  fs.mkdirSync(configDir, { recursive: true });
  const config = {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    model: 'mock/mock-model',
    small_model: 'mock/mock-model',
    provider: {
      mock: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Mock',
        options: { baseURL: options.baseUrl, apiKey: 'mock-key' },
        models: { 'mock-model': { name: 'Mock Model', tool_call: true, limit: { context: 128000, output: 8192 } } },
      },
    },
    permission: options.permission ?? { bash: 'ask', edit: 'ask' },
  };
  fs.writeFileSync(path.join(configDir, 'opencode.json'), JSON.stringify(config, null, 2));
  // OpenCode opens its log file without creating the folder on a fresh XDG tree.
  for (const dir of ['.local/share/opencode/log', '.local/state/opencode', '.cache/opencode']) fs.mkdirSync(path.join(home, dir), { recursive: true });
  const env: Record<string, string> = {
    HOME: home,
    USER: 'tether',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_SHARE: '1',
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
