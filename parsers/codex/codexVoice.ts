/**
 * Codex's own voice (docs/agent-voices.md, "Codex"): per-session command hooks given as `-c
 * hooks.<Event>=[…]` overrides (Codex has no HTTP hook type), trusted for this session only by
 * `-c hooks.state={…}` entries whose hashes Tether computes as Codex does (without them Codex
 * stops at a "Hooks need review" dialog and runs none), and readers for its hook payloads and
 * its rollout `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`.
 * Shapes quoted from Codex 0.169.0 and 0.171.0 (observed; samples in test/data/voices/codex/).
 */
import type { AgentEvent } from '../../src/common/index.js';
import type { HookApprovalOption, HookInjection, HookSessionContext, HookWitness, TranscriptWitness } from '../cliDescriptor.js';
import { field, record, text } from '../shared/json.js';
import { commonHook, safely, todoList } from '../shared/sharedVoice.js';

/**
 * SessionStart (the thread id, so the rollout is found), PermissionRequest (the approval's
 * second witness) and Stop (turn end). Tool calls, prompts and text come from the rollout, so
 * no hook runs per tool call: every Codex hook is a process through the user's login shell.
 */
export const CODEX_HOOK_EVENTS = ['SessionStart', 'PermissionRequest', 'Stop'] as const;
/** The snake-case labels Codex keys and hashes hooks by (`hook_event_key_label`, source @9a5113ad). */
const EVENT_LABEL: Readonly<Record<string, string>> = { SessionStart: 'session_start', PermissionRequest: 'permission_request', Stop: 'stop' };
/** Seconds Codex gives one hook (its default is 600). */
const HOOK_TIMEOUT_S = 5;
/** Where Codex says `-c` hooks come from (`<session-flags>/config.toml` resolved against `/`, observed 0.169/0.171). */
const SESSION_FLAGS_SOURCE = '/<session-flags>/config.toml';
/** curl's longest wait (s): an away daemon refuses at once, a stuck one costs at most this. */
const CURL_MAX_S = 1;

/** Recursively key-sorted compact JSON (Codex's `canonical_json` + `serde_json::to_vec`). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const object = record(value);
  if (object) {
    const entries = Object.entries(object).filter(([, inner]) => inner !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The trust hash Codex keeps for one matcher-less command hook: `sha256:` + hex SHA-256 of the
 * canonical JSON of `{event_name, hooks: [{type, command, timeout, async}]}` (`command_hook_hash`
 * in codex-rs/hooks/src/engine/discovery.rs, `version_for_toml` in codex-rs/config/src/fingerprint.rs;
 * reproduced for every hook of the study, test/data/voices/codex/0.169.0/hook-trust.json).
 */
export function codexHookHash(sha256: (text: string) => string, event: string, command: string, timeoutS: number): string {
  return `sha256:${sha256(canonical({ event_name: EVENT_LABEL[event], hooks: [{ type: 'command', command, timeout: timeoutS, async: false }] }))}`;
}

/** `text` single-quoted for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The hook's shell command (Codex runs `$SHELL -lc <command>` with the JSON on stdin): curl when
 * the shell finds it (no Node start per hook: about a third of the CPU, docs/agent-voices.md
 * "What a hook costs"), else Tether's Node forwarder; the secret is read from the session's
 * environment at run time, never written into the command (`ps` shows it). Always exits 0.
 */
export function codexHookCommand(session: Pick<HookSessionContext, 'eventsUrl' | 'tokenEnv' | 'forwarder'>): string {
  const url = shellQuote(session.eventsUrl);
  const curl = `curl -s -o /dev/null -m ${CURL_MAX_S} --noproxy '*' -H 'content-type: application/json' -H "Authorization: Bearer \${${session.tokenEnv}}" --data-binary @- ${url}`;
  const node = `${session.forwarder.map(shellQuote).join(' ')} ${url}`;
  return `if command -v curl >/dev/null 2>&1; then ${curl}; else ${node}; fi >/dev/null 2>&1; exit 0`;
}

/** `codex -c hooks.<Event>=[…] … -c hooks.state={…}`: Tether's hooks, trusted for this session only. */
function inject(session: HookSessionContext): HookInjection {
  const sha256 = session.sha256;
  // Without a hash the hooks would stop Codex at its review dialog: then none at all.
  if (sha256 === undefined || session.platform === 'win32') return { args: [], env: {}, files: [] };
  const command = codexHookCommand(session);
  const args: string[] = [];
  const trusted: string[] = [];
  for (const event of CODEX_HOOK_EVENTS) {
    args.push('-c', `hooks.${event}=[{hooks=[{type="command",command=${JSON.stringify(command)},timeout=${HOOK_TIMEOUT_S}}]}]`);
    const key = `${SESSION_FLAGS_SOURCE}:${EVENT_LABEL[event]}:0:0`;
    trusted.push(`${JSON.stringify(key)}={trusted_hash=${JSON.stringify(codexHookHash(sha256, event, command, HOOK_TIMEOUT_S))}}`);
  }
  args.push('-c', `hooks.state={${trusted.join(',')}}`);
  return { args, env: {}, files: [] };
}

/** The text of a message's content blocks (`input_text`, `output_text`). */
function contentText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content.map((block) => text(field(block, 'text')) ?? '').join('');
}

/** A tool call's arguments: Codex keeps them as a JSON string (function calls) or raw text (custom tools). */
function argumentsOf(payload: unknown): unknown {
  const raw = field(payload, 'arguments') ?? field(payload, 'input');
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** A tool output's text (a string, or `{content}` / content items in newer rollouts). */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  const content = field(output, 'content') ?? output;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? contentText(content) : '';
}

/** A shell output that says its command failed ("Process exited with code 1", observed 0.169/0.171). */
const FAILED_EXIT = /^Process exited with code [1-9]\d*$/m;

/** One `response_item` → events. */
function readItem(payload: unknown, key: string): AgentEvent[] {
  switch (field(payload, 'type')) {
    case 'message': {
      const role = field(payload, 'role');
      const said = contentText(field(payload, 'content'));
      if (said.trim() === '') return [];
      // Context Codex itself sends as user messages (<environment_context>, AGENTS.md) is no prompt.
      if (role === 'user') return /^\s*(<|# AGENTS\.md)/.test(said) ? [] : [{ source: 'jsonl', native: 'message', key, kind: 'user_prompt', text: said }];
      return role === 'assistant' ? [{ source: 'jsonl', native: 'message', key, kind: 'assistant_text', text: said, isComplete: true }] : [];
    }
    case 'reasoning': {
      const summary = field(payload, 'summary');
      const thought = Array.isArray(summary) ? summary.map((part) => text(field(part, 'text')) ?? '').join('\n') : '';
      return thought.trim() === '' ? [] : [{ source: 'jsonl', native: 'reasoning', key, kind: 'thinking', text: thought }];
    }
    case 'function_call':
    case 'custom_tool_call': {
      const toolName = text(field(payload, 'name')) ?? '';
      const toolUseId = text(field(payload, 'call_id'));
      const input = argumentsOf(payload);
      const start: AgentEvent = { source: 'jsonl', native: 'function_call', key: toolUseId ? `tool:${toolUseId}` : key, kind: 'tool_start', toolName, toolInput: input, ...(toolUseId ? { toolUseId } : {}) };
      return toolName === 'update_plan' ? [start, ...todoList('jsonl', 'update_plan', field(input, 'plan'), ['step'], `${start.key}:todos`)] : [start];
    }
    case 'function_call_output':
    case 'custom_tool_call_output': {
      const toolUseId = text(field(payload, 'call_id'));
      const output = outputText(field(payload, 'output'));
      return [{ source: 'jsonl', native: 'function_call_output', key: toolUseId ? `result:${toolUseId}` : key, kind: 'tool_result', ...(toolUseId ? { toolUseId } : {}), output, isError: FAILED_EXIT.test(output) }];
    }
    default:
      return [];
  }
}

/** One rollout line → events. Keys: the item's own id where it has one, else its time and kind. */
function readLine(line: unknown): AgentEvent[] {
  const payload = field(line, 'payload');
  const key = `item:${text(field(payload, 'id')) ?? `${text(field(line, 'timestamp')) ?? ''}:${text(field(payload, 'type')) ?? ''}:${text(field(payload, 'role')) ?? ''}`}`;
  switch (field(line, 'type')) {
    case 'response_item':
      return readItem(payload, key);
    case 'event_msg': {
      const turn = text(field(payload, 'turn_id')) ?? key;
      if (field(payload, 'type') === 'task_complete') return [{ source: 'jsonl', native: 'task_complete', key: `turn:${turn}`, kind: 'turn_end', status: 'ok' }];
      if (field(payload, 'type') === 'turn_aborted') return [{ source: 'jsonl', native: 'turn_aborted', key: `turn:${turn}`, kind: 'turn_end', status: 'error' }];
      return [];
    }
    default:
      return [];
  }
}

/** Codex's hooks: injection and payloads (its PermissionRequest names `Bash` for exec_command). */
export const codexHooks: HookWitness = {
  events: CODEX_HOOK_EVENTS,
  inject,
  read: safely((payload) => commonHook(payload) ?? []),
};

/** Codex's rollout: searched by thread id under the newest date folders, taken when its session_meta names the thread. */
export const codexTranscript: TranscriptWitness = {
  locate: ({ home, conversationId, env }) => {
    if (!/^[0-9a-f-]{8,64}$/i.test(conversationId)) return undefined;
    const codexHome = env?.CODEX_HOME?.startsWith('/') ? env.CODEX_HOME : `${home}/.codex`;
    return {
      dir: `${codexHome}/sessions`,
      within: ['*', '*', '*'],
      newest: 2,
      name: new RegExp(`^rollout-.*-${conversationId}\\.jsonl$`),
      owns: (first) => field(first, 'type') === 'session_meta' && field(field(first, 'payload'), 'id') === conversationId,
    };
  },
  read: safely(readLine),
};

/**
 * An approval announced only by PermissionRequest: Codex's dialog (0.169, 0.171) picks
 * "Yes, proceed" with `y` and "No, and tell Codex what to do differently" with Esc (codexDialogs.ts).
 */
export const CODEX_HOOK_APPROVAL: readonly HookApprovalOption[] = [
  { id: 'yes', label: 'Yes, proceed', role: 'approve', keys: 'y' },
  { id: 'no', label: 'No, and tell Codex what to do differently', role: 'deny', keys: '\x1b' },
];
