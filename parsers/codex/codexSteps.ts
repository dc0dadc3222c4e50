/**
 * The pieces of Codex's recording data that its versions share (0.169.0, and the 0.171.0
 * release, codexRelease0171.ts): the mock-provider config, the screens a recording waits for and
 * the steps that answer them. Pure data; see ../cliRecording.ts.
 */
import { typed, type RecordingStep } from '../cliRecording.js';

/** The env var the mock provider reads its (fake) key from (not TETHER_*: the daemon strips those). */
export const CODEX_KEY_ENV = 'CODEX_MOCK_API_KEY';
/**
 * The model slug: one from Codex's bundled catalog, so the tool set is the real one (apply_patch
 * as a freeform tool) and no "unknown model" warning shows; the mock answers any name.
 */
export const CODEX_MODEL = 'gpt-5.5';

/** config.toml for the mock provider. /tmp is not writable in the sandbox, so edits outside the project ask. */
export function codexConfig(migrationSeen: boolean, trusted = true): string {
  return [
    `model = "${CODEX_MODEL}"`,
    'model_provider = "mock"',
    'approval_policy = "on-request"',
    'sandbox_mode = "workspace-write"',
    'check_for_update_on_startup = false',
    'hide_agent_reasoning = true',
    '',
    '[model_providers.mock]',
    'name = "Mock"',
    'base_url = "{mock_url}"',
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
    ...(migrationSeen ? ['[notice.model_migrations]', `"${CODEX_MODEL}" = "gpt-6-sol"`, ''] : []),
    ...(trusted ? ['[projects."{project}"]', 'trust_level = "trusted"', ''] : []),
  ].join('\n');
}

export const CONFIG = '{home}/.codex/config.toml';
/** Shift+Tab: Default → Plan collaboration mode. */
export const SHIFT_TAB = '\x1b[Z';
export const ESC = '\x1b';
/** The composer with its footer (model line), i.e. ready for typing. */
export const COMPOSER_READY = /\n› [^\n]*\n\s*\n +\S[^\n]*(default|medium|high|low)[^\n]* · \/tmp\/\S*\/project\b/;
/** The composer with the status line under it (` · `-joined fields): what the parser reads as idle. */
export const COMPOSER = /\n› [^\n]*\n\s*\n +\S[^\n]* · /;
export const READY: RecordingStep = { screen: COMPOSER_READY, shown: COMPOSER, expect: { wait_type: 'awaiting_response' } };
export const APPROVAL_FOOTER = /Press enter to confirm or esc to cancel/;
export const TOUCH = 'touch created-by-tool.txt';
export const EXEC_OPTIONS = ['Yes, proceed', `Yes, and don't ask again for commands that start with \`${TOUCH}\``, 'No, and tell Codex what to do differently'];
export const PATCH_OPTIONS = ['Yes, proceed', "Yes, and don't ask again for these files", 'No, and tell Codex what to do differently'];
export const PLAN_OPTIONS = ['Yes, implement this plan', 'Yes, clear context and implement', 'No, stay in Plan mode'];
export const GREETING = 'first line\nhello world\nlast line\n';
export const QUESTION = {
  id: 'auth_method',
  header: 'Auth',
  question: 'Which auth method should we use?',
  options: [
    { label: 'OAuth (Recommended)', description: "Use the provider's OAuth flow." },
    { label: 'API key', description: 'A static key in the environment.' },
  ],
};

export function ready(prompt: string): RecordingStep {
  return { ...READY, answer: typed(prompt) };
}

/** The composer after a turn whose last text matched `text`. */
export function idleAfter(text: RegExp): RecordingStep {
  return {
    screen: new RegExp(`${text.source}[\\s\\S]*${COMPOSER_READY.source}`),
    shown: new RegExp(`${text.source}[\\s\\S]*${COMPOSER.source}`),
    expect: { wait_type: 'awaiting_response' },
  };
}

export function execPrompt(answer: string[], options = EXEC_OPTIONS): RecordingStep {
  return { screen: new RegExp(`run the following command\\?[\\s\\S]*${APPROVAL_FOOTER.source}`), expect: { wait_type: 'tool_approval', kind: 'exec_command', options }, answer };
}

export function patchPrompt(answer: string[]): RecordingStep {
  return { screen: new RegExp(`make the following edits\\?[\\s\\S]*${APPROVAL_FOOTER.source}`), expect: { wait_type: 'tool_approval', kind: 'apply_patch', options: PATCH_OPTIONS }, answer };
}

