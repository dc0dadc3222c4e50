/**
 * Qwen Code's own voice (docs/agent-voices.md, "Qwen Code"): per-session HTTP hooks from a
 * settings file named by `QWEN_CODE_SYSTEM_SETTINGS_PATH` (which replaces the system settings
 * file, so the real one's content is carried over), the conversation id fixed with
 * `--session-id`, and readers for its hook payloads and its JSONL chat file
 * `<QWEN_RUNTIME_DIR | QWEN_HOME | ~/.qwen>/projects/<cwd, non-alphanumerics → ->/chats/<id>.jsonl`.
 * Shapes quoted from Qwen Code 0.15.10 and 0.24.4 (observed; samples in test/data/voices/qwen/).
 */
import type { AgentEvent } from '../../src/common/index.js';
import type { HookApprovalOption, HookInjection, HookSessionContext, HookWitness, TranscriptWitness } from '../cliDescriptor.js';
import { field, record, text } from '../shared/json.js';
import { commonHook, filePathOf, httpHookGroups, namesConversation, safely, todoList } from '../shared/sharedVoice.js';

/**
 * Per-turn and per-session hooks only (tool calls, prompts and todos come from the chat file).
 * UserPromptSubmit is left out: it fires again with `prompt: ""` before every model request of a
 * turn, and its prompt carries no id the chat file shares (the file's user line opens the turn).
 */
export const QWEN_HOOK_EVENTS = ['SessionStart', 'PermissionRequest', 'Notification', 'Stop', 'StopFailure', 'SessionEnd'] as const;

/** Seconds Qwen waits for an HTTP hook (its HTTP hooks take seconds, its command hooks ms; bundle 0.15.10). */
const HOOK_TIMEOUT_S = 2;
/** The per-session settings file, in the session's run folder. */
const SETTINGS_FILE = 'qwen-settings.json';
/** Arguments by which the user already names a conversation (0.15.10 `--help`). */
const CONVERSATION_ARGS = new Set(['--resume', '-r', '--continue', '-c', '--session-id']);
/** The system settings file Qwen reads when the variable is unset (`getSystemSettingsPath`, bundle 0.15.10). */
const SYSTEM_SETTINGS: Readonly<Record<string, string>> = {
  darwin: '/Library/Application Support/QwenCode/settings.json',
  win32: 'C:\\ProgramData\\qwen-code\\settings.json',
};
const SYSTEM_SETTINGS_LINUX = '/etc/qwen-code/settings.json';

/** The directory part of a path (either separator). */
function dirOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')));
}

/**
 * The settings that replace the system file for this session: its content (when it is plain JSON)
 * with Tether's hooks added after the administrator's own. Undefined when the system file exists
 * but cannot be read as JSON (it may hold comments): Tether then injects nothing rather than drop it.
 */
function sessionSettings(session: HookSessionContext, systemPath: string): Record<string, unknown> | undefined {
  const existing = session.readFile?.(systemPath);
  let system: Record<string, unknown> = {};
  if (existing !== undefined) {
    try {
      const parsed = record(JSON.parse(existing));
      if (parsed === undefined) return undefined;
      system = { ...parsed };
    } catch {
      return undefined;
    }
  }
  const theirs = record(system.hooks) ?? {};
  const ours = httpHookGroups(QWEN_HOOK_EVENTS, session.eventsUrl, session.tokenEnv, HOOK_TIMEOUT_S);
  const hooks: Record<string, unknown> = { ...theirs };
  for (const [event, groups] of Object.entries(ours)) hooks[event] = [...(Array.isArray(theirs[event]) ? (theirs[event] as unknown[]) : []), ...(groups as unknown[])];
  return { ...system, hooks };
}

/** `QWEN_CODE_SYSTEM_SETTINGS_PATH=<run folder>/qwen-settings.json qwen [--session-id <uuid>]`. */
function inject(session: HookSessionContext): HookInjection {
  const names = namesConversation(session.args, CONVERSATION_ARGS);
  const conversation = names ? {} : { conversationId: session.conversationId };
  const args = names ? [] : ['--session-id', session.conversationId];
  const systemPath = session.env?.QWEN_CODE_SYSTEM_SETTINGS_PATH || (SYSTEM_SETTINGS[session.platform ?? 'linux'] ?? SYSTEM_SETTINGS_LINUX);
  const settings = sessionSettings(session, systemPath);
  if (settings === undefined) return { args, env: {}, files: [], ...conversation };
  // The defaults file sits beside the settings file unless named: keep the real one.
  const defaultsPath = session.env?.QWEN_CODE_SYSTEM_DEFAULTS_PATH || `${dirOf(systemPath)}${systemPath.includes('\\') ? '\\' : '/'}system-defaults.json`;
  return {
    args,
    env: { QWEN_CODE_SYSTEM_SETTINGS_PATH: `{runDir}/${SETTINGS_FILE}`, QWEN_CODE_SYSTEM_DEFAULTS_PATH: defaultsPath },
    files: [{ name: SETTINGS_FILE, content: `${JSON.stringify(settings, null, 2)}\n` }],
    ...conversation,
  };
}

/** The parts of a chat line's message. */
function partsOf(line: unknown): unknown[] {
  const parts = field(field(line, 'message'), 'parts');
  return Array.isArray(parts) ? parts : [];
}

/** A function response's text: its `output`, else its `error`, else its JSON. */
function responseText(response: unknown): string {
  const output = field(response, 'output') ?? field(response, 'error');
  if (typeof output === 'string') return output;
  try {
    return JSON.stringify(output ?? response) ?? '';
  } catch {
    return '';
  }
}

/** A `user` line: the typed prompt (Qwen writes only what the user typed here; tool results are `tool_result` lines). */
function readUser(parts: unknown[], uuid: string): AgentEvent[] {
  const typed = parts.map((part) => text(field(part, 'text')) ?? '').join('');
  return typed.trim() === '' ? [] : [{ source: 'jsonl', native: 'user', key: `line:${uuid}`, kind: 'user_prompt', text: typed }];
}

/** An `assistant` line: thoughts, text and function calls, in order. */
function readAssistant(parts: unknown[], uuid: string): AgentEvent[] {
  return parts.flatMap((part, index): AgentEvent[] => {
    const key = `line:${uuid}:${index}`;
    const call = field(part, 'functionCall');
    if (call !== undefined) {
      const toolName = text(field(call, 'name')) ?? '';
      const toolUseId = text(field(call, 'id'));
      const input = field(call, 'args');
      const filePath = filePathOf(input);
      const start: AgentEvent = {
        source: 'jsonl',
        native: 'functionCall',
        key: toolUseId ? `tool:${toolUseId}` : key,
        kind: 'tool_start',
        toolName,
        toolInput: input,
        ...(toolUseId ? { toolUseId } : {}),
        ...(filePath ? { filePath } : {}),
      };
      return toolName === 'todo_write' ? [start, ...todoList('jsonl', 'todo_write', field(input, 'todos'), ['content'], `${start.key}:todos`)] : [start];
    }
    const said = text(field(part, 'text'));
    if (!said) return [];
    return field(part, 'thought') === true
      ? [{ source: 'jsonl', native: 'thought', key, kind: 'thinking', text: said }]
      : [{ source: 'jsonl', native: 'text', key, kind: 'assistant_text', text: said, isComplete: true }];
  });
}

/** A `tool_result` line: one function response per call. */
function readToolResult(line: unknown, parts: unknown[], uuid: string): AgentEvent[] {
  const failed = field(field(line, 'toolCallResult'), 'status') === 'error';
  return parts.flatMap((part, index): AgentEvent[] => {
    const response = field(part, 'functionResponse');
    if (response === undefined) return [];
    const toolUseId = text(field(response, 'id'));
    const toolName = text(field(response, 'name'));
    const body = field(response, 'response');
    return [
      {
        source: 'jsonl',
        native: 'functionResponse',
        key: `result:${toolUseId ?? `${uuid}:${index}`}`,
        kind: 'tool_result',
        ...(toolUseId ? { toolUseId } : {}),
        ...(toolName ? { toolName } : {}),
        output: responseText(body),
        isError: failed || field(body, 'error') !== undefined,
      },
    ];
  });
}

/** One chat line → events (`system` telemetry and snapshots say nothing the timeline needs). */
function readLine(line: unknown): AgentEvent[] {
  const uuid = text(field(line, 'uuid'));
  if (uuid === undefined) return [];
  switch (field(line, 'type')) {
    case 'user':
      return readUser(partsOf(line), uuid);
    case 'assistant':
      return readAssistant(partsOf(line), uuid);
    case 'tool_result':
      return readToolResult(line, partsOf(line), uuid);
    default:
      return [];
  }
}

/** Qwen's hooks: injection and payloads. */
export const qwenHooks: HookWitness = {
  events: QWEN_HOOK_EVENTS,
  inject,
  read: safely((payload) => commonHook(payload) ?? []),
};

/** Qwen's chat file (observed 0.15.10, 0.24.4; the folder from `Storage.getProjectDir`, bundle 0.15.10). */
export const qwenTranscript: TranscriptWitness = {
  locate: ({ home, cwd, conversationId, env }) => {
    if (!/^[A-Za-z0-9-]{1,128}$/.test(conversationId)) return undefined;
    const base = [env?.QWEN_RUNTIME_DIR, env?.QWEN_HOME].find((dir) => dir?.startsWith('/')) ?? `${home}/.qwen`;
    return `${base}/projects/${cwd.replace(/[^A-Za-z0-9]/g, '-')}/chats/${conversationId}.jsonl`;
  },
  read: safely(readLine),
};

/**
 * A shell approval announced only by PermissionRequest: Qwen's dialog (0.15.10 boxed, 0.24.4
 * boxless) lists "1. Yes, allow once" first and ends with "No, suggest changes (esc)".
 */
export const QWEN_HOOK_APPROVAL: readonly HookApprovalOption[] = [
  { id: 'yes', label: 'Yes, allow once', role: 'approve', keys: '1' },
  { id: 'no', label: 'No, suggest changes', role: 'deny', keys: '\x1b' },
];
