/**
 * What the Claude-shaped hook payloads have in common (Claude Code, Codex, Qwen Code, Gemini CLI
 * all send `hook_event_name`, `session_id` and, for tools, `tool_name` / `tool_input`), and the
 * todo lists the agents' todo tools take whole. Pure; never throws on any input.
 */
import { todoStatus, type AgentEvent, type AgentSource } from '../../src/common/index.js';
import { field, idText, text } from './json.js';

/** The command of a shell tool's input (`{command}` for Claude's Bash, Codex's Bash, Qwen's and Gemini's run_shell_command). */
export function commandOf(input: unknown): string | undefined {
  return text(field(input, 'command'));
}

/** The file a tool's input names (`file_path`, `absolute_path`, `path`, `filePath`), if any. */
export function filePathOf(input: unknown): string | undefined {
  for (const name of ['file_path', 'absolute_path', 'filePath', 'path']) {
    const value = text(field(input, name));
    if (value) return value;
  }
  return undefined;
}

/**
 * A whole todo list (Qwen `todo_write`, Gemini `write_todos`, OpenCode `todowrite`, Codex
 * `update_plan`): items with a status the agents name pending / in_progress / completed. Items
 * of another status (Gemini's `cancelled`) are left out; the item's text is the first of `names`.
 */
export function todoList(source: AgentSource, native: string, todos: unknown, names: readonly string[], key?: string): AgentEvent[] {
  if (!Array.isArray(todos)) return [];
  const items = todos.flatMap((todo, index) => {
    const status = todoStatus(field(todo, 'status'));
    const content = names.map((name) => text(field(todo, name))).find((value) => value !== undefined);
    const id = idText(field(todo, 'id')) ?? String(index);
    return status && content !== undefined ? [{ id, content, status }] : [];
  });
  return [{ source, native, kind: 'todos', items, ...(key ? { key } : {}) }];
}

/**
 * The per-turn hook events every Claude-shaped CLI sends alike: SessionStart (the conversation
 * id), PermissionRequest (tool and command; no tool_use_id in any CLI), Notification, Stop /
 * StopFailure (turn end), SessionEnd. Undefined for other events (the CLI's own reader goes on).
 */
export function commonHook(payload: unknown): AgentEvent[] | undefined {
  const event = text(field(payload, 'hook_event_name'));
  const base = { source: 'hook' as const, native: event ?? '' };
  switch (event) {
    case 'SessionStart': {
      const id = text(field(payload, 'session_id'));
      const model = text(field(payload, 'model'));
      return id ? [{ ...base, kind: 'session_started', conversationId: id, ...(model ? { model } : {}) }] : [];
    }
    case 'PermissionRequest': {
      const toolName = text(field(payload, 'tool_name'));
      const command = commandOf(field(payload, 'tool_input'));
      return toolName ? [{ ...base, kind: 'permission_request', toolName, ...(command !== undefined ? { command } : {}) }] : [];
    }
    case 'Notification':
      return [{ ...base, kind: 'notification', notificationType: text(field(payload, 'notification_type')) ?? '', message: text(field(payload, 'message')) ?? '' }];
    case 'Stop':
      return [{ ...base, kind: 'turn_end', status: 'ok' }];
    case 'StopFailure':
      return [{ ...base, kind: 'turn_end', status: 'error' }];
    case 'SessionEnd': {
      const reason = text(field(payload, 'reason'));
      return [{ ...base, kind: 'session_end', ...(reason ? { reason } : {}) }];
    }
    default:
      return undefined;
  }
}

/** `read` wrapped so that it never throws (a reader bug drops the line, never the daemon). */
export function safely<T>(read: (value: unknown) => readonly T[]): (value: unknown) => readonly T[] {
  return (value) => {
    try {
      return read(value);
    } catch {
      return [];
    }
  };
}

/** One matcher-less HTTP hook group per event, the secret sent from the session's environment (Claude Code, Qwen Code). */
export function httpHookGroups(events: readonly string[], url: string, tokenEnv: string, timeoutS: number): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const event of events) {
    hooks[event] = [{ hooks: [{ type: 'http', url, timeout: timeoutS, headers: { Authorization: `Bearer $${tokenEnv}` }, allowedEnvVars: [tokenEnv] }] }];
  }
  return hooks;
}

/** True when the user's arguments already name a conversation (`--resume`, `-c`, …): Tether then takes the id from the CLI. */
export function namesConversation(args: readonly string[], flags: ReadonlySet<string>): boolean {
  return args.some((arg) => flags.has(arg.split('=')[0]));
}
