/**
 * Claude Code's own voice (docs/agent-voices.md, "Claude Code"): per-session hooks through
 * `--settings <file>` (HTTP hooks to the daemon, SessionStart by the forwarder since Claude
 * refuses HTTP for it), the conversation id fixed with `--session-id`, and readers for its
 * hook payloads and its JSONL transcript `~/.claude/projects/<cwd, non-alphanumerics → ->/<id>.jsonl`.
 * Shapes quoted from Claude Code 2.1.197 and 2.1.332 (observed, samples in test/data/voices/claude/).
 */
import { todoStatus, type AgentEvent } from '../../src/common/index.js';
import type { HookApprovalOption, HookInjection, HookSessionContext, HookWitness, TranscriptWitness } from '../cliDescriptor.js';
import { field, idText, text } from '../shared/json.js';
import { commonHook } from '../shared/sharedVoice.js';

/**
 * Per-turn and per-session hooks only: tool calls come from the transcript, and
 * PreToolUse/PostToolUse fire per tool call (the costly part of the study's latency runs).
 */
export const CLAUDE_HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PermissionRequest', 'Notification', 'Stop', 'StopFailure', 'SessionEnd'] as const;

/** Hook events Claude refuses as HTTP hooks ("HTTP hooks are not supported for SessionStart", bundle 2.1.197). */
const COMMAND_ONLY = new Set(['SessionStart']);
/** Seconds Claude waits for one hook; the daemon answers at once, and an away daemon refuses the connection. */
const HOOK_TIMEOUT_S = 2;
/** The per-session settings file, in the session's run folder. */
const SETTINGS_FILE = 'claude-settings.json';
/** Arguments by which the user already names a conversation: Tether then takes the id from SessionStart. */
const CONVERSATION_ARGS = new Set(['--resume', '-r', '--continue', '-c', '--session-id', '--fork-session']);

/** The per-session settings: one matcher-less group per event; the secret stays in the environment. */
function claudeSettings(session: HookSessionContext): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    const hook = COMMAND_ONLY.has(event)
      ? { type: 'command', command: session.forwarder[0], args: session.forwarder.slice(1), timeout: HOOK_TIMEOUT_S }
      : {
          type: 'http',
          url: session.eventsUrl,
          timeout: HOOK_TIMEOUT_S,
          headers: { Authorization: `Bearer $${session.tokenEnv}` },
          allowedEnvVars: [session.tokenEnv],
        };
    hooks[event] = [{ hooks: [hook] }];
  }
  return { hooks };
}

/** `claude --settings <run folder>/claude-settings.json [--session-id <uuid>]`. */
function inject(session: HookSessionContext): HookInjection {
  const names = session.args.some((arg) => CONVERSATION_ARGS.has(arg.split('=')[0]));
  return {
    args: ['--settings', `{runDir}/${SETTINGS_FILE}`, ...(names ? [] : ['--session-id', session.conversationId])],
    env: {},
    files: [{ name: SETTINGS_FILE, content: `${JSON.stringify(claudeSettings(session), null, 2)}\n` }],
    ...(names ? {} : { conversationId: session.conversationId }),
  };
}

/** Todo events of one tool's input (TodoWrite: the whole list). */
function todoWriteItems(input: unknown): AgentEvent[] {
  const todos = field(input, 'todos');
  if (!Array.isArray(todos)) return [];
  const items = todos.flatMap((todo) => {
    const status = todoStatus(field(todo, 'status'));
    const content = text(field(todo, 'content'));
    return status && content !== undefined ? [{ content, status }] : [];
  });
  return [{ source: 'jsonl', native: 'TodoWrite', kind: 'todos', items }];
}

/** One hook payload → events. */
function readHook(payload: unknown): AgentEvent[] {
  const common = commonHook(payload);
  if (common !== undefined) return common;
  if (text(field(payload, 'hook_event_name')) !== 'UserPromptSubmit') return [];
  const prompt = text(field(payload, 'prompt'));
  const promptId = text(field(payload, 'prompt_id'));
  return prompt ? [{ source: 'hook', native: 'UserPromptSubmit', kind: 'user_prompt', text: prompt, ...(promptId ? { key: `prompt:${promptId}` } : {}) }] : [];
}

/** A tool result's content (a string, or text blocks) as text. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => text(field(block, 'text')) ?? '').join('\n');
}

/** Todo deltas from a Task tool's structured result (TaskCreate `{task}`, TaskUpdate `{taskId, statusChange}`). */
function taskDeltas(result: unknown, key: string): AgentEvent[] {
  const task = field(result, 'task');
  const created = idText(field(task, 'id'));
  if (created !== undefined) {
    return [{ source: 'jsonl', native: 'TaskCreate', key: `${key}:todo`, kind: 'todo_delta', id: created, content: text(field(task, 'subject')) ?? '', status: 'pending' }];
  }
  const updated = idText(field(result, 'taskId'));
  const status = todoStatus(field(field(result, 'statusChange'), 'to'));
  return updated !== undefined && status ? [{ source: 'jsonl', native: 'TaskUpdate', key: `${key}:todo`, kind: 'todo_delta', id: updated, status }] : [];
}

/** A `user` line: a typed prompt, or tool results. */
function readUser(line: unknown, uuid: string): AgentEvent[] {
  if (field(line, 'isMeta') === true) return [];
  const content = field(field(line, 'message'), 'content');
  const promptId = text(field(line, 'promptId'));
  const promptKey = promptId ? `prompt:${promptId}` : `line:${uuid}`;
  if (typeof content === 'string') return content.startsWith('<') ? [] : [{ source: 'jsonl', native: 'user', key: promptKey, kind: 'user_prompt', text: content }];
  if (!Array.isArray(content)) return [];
  const events: AgentEvent[] = [];
  for (const [index, block] of content.entries()) {
    const type = field(block, 'type');
    if (type === 'text') {
      const typed = text(field(block, 'text')) ?? '';
      if (!typed.startsWith('<')) events.push({ source: 'jsonl', native: 'user', key: index === 0 ? promptKey : `${promptKey}:${index}`, kind: 'user_prompt', text: typed });
    } else if (type === 'tool_result') {
      const toolUseId = text(field(block, 'tool_use_id'));
      events.push({
        source: 'jsonl',
        native: 'tool_result',
        key: `result:${toolUseId ?? uuid}`,
        kind: 'tool_result',
        ...(toolUseId ? { toolUseId } : {}),
        output: resultText(field(block, 'content')),
        isError: field(block, 'is_error') === true,
      });
      events.push(...taskDeltas(field(line, 'toolUseResult'), `result:${toolUseId ?? uuid}`));
    }
  }
  return events;
}

/** An `assistant` line: one content block (thinking, text or a tool call). */
function readAssistant(line: unknown, uuid: string): AgentEvent[] {
  const content = field(field(line, 'message'), 'content');
  if (!Array.isArray(content)) return [];
  return content.flatMap((block, index): AgentEvent[] => {
    const base = { source: 'jsonl' as const, key: `line:${uuid}:${index}` };
    switch (field(block, 'type')) {
      case 'thinking': {
        const thinking = text(field(block, 'thinking'));
        return thinking ? [{ ...base, native: 'thinking', kind: 'thinking', text: thinking }] : [];
      }
      case 'text': {
        const said = text(field(block, 'text'));
        return said ? [{ ...base, native: 'text', kind: 'assistant_text', text: said, isComplete: true }] : [];
      }
      case 'tool_use': {
        const toolName = text(field(block, 'name')) ?? '';
        const toolUseId = text(field(block, 'id'));
        const input = field(block, 'input');
        const filePath = text(field(input, 'file_path'));
        const start: AgentEvent = {
          ...base,
          native: 'tool_use',
          ...(toolUseId ? { key: `tool:${toolUseId}` } : {}),
          kind: 'tool_start',
          toolName,
          toolInput: input,
          ...(toolUseId ? { toolUseId } : {}),
          ...(filePath ? { filePath } : {}),
        };
        return toolName === 'TodoWrite' ? [start, ...todoWriteItems(input)] : [start];
      }
      default:
        return [];
    }
  });
}

/** One transcript line → events. */
function readLine(line: unknown): AgentEvent[] {
  const uuid = text(field(line, 'uuid'));
  if (uuid === undefined || field(line, 'isSidechain') === true) return [];
  switch (field(line, 'type')) {
    case 'user':
      return readUser(line, uuid);
    case 'assistant':
      return readAssistant(line, uuid);
    case 'system':
      return field(line, 'subtype') === 'turn_duration' ? [{ source: 'jsonl', native: 'turn_duration', key: `line:${uuid}`, kind: 'turn_end', status: 'ok' }] : [];
    default:
      return [];
  }
}

/** Claude's hooks: injection and payloads. */
export const claudeHooks: HookWitness = {
  events: CLAUDE_HOOK_EVENTS,
  inject,
  read: (payload) => {
    try {
      return readHook(payload);
    } catch {
      return [];
    }
  },
};

/** Claude's transcript: `~/.claude/projects/<cwd with every non-alphanumeric → ->/<conversation id>.jsonl` (observed 2.1.197). */
export const claudeTranscript: TranscriptWitness = {
  locate: ({ home, cwd, conversationId }) => {
    if (!/^[A-Za-z0-9-]{1,128}$/.test(conversationId)) return undefined;
    return `${home}/.claude/projects/${cwd.replace(/[^A-Za-z0-9]/g, '-')}/${conversationId}.jsonl`;
  },
  read: (line) => {
    try {
      return readLine(line);
    } catch {
      return [];
    }
  },
};

/**
 * A Bash approval announced only by PermissionRequest: the dialog (2.1.197 and 2.1.332) focuses
 * "Yes" first, so Enter approves; Esc cancels ("Esc to cancel"). "Don't ask again" is not offered:
 * its place differs by version and tool, and only the screen shows it.
 */
export const CLAUDE_HOOK_APPROVAL: readonly HookApprovalOption[] = [
  { id: 'yes', label: 'Yes', role: 'approve', keys: '\r' },
  { id: 'no', label: 'No', role: 'deny', keys: '\x1b' },
];
