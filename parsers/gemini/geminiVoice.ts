/**
 * Gemini CLI's own voice (docs/agent-voices.md, "Gemini CLI"). Gemini 0.61.0 reads per-session
 * hooks only from a system settings file owned by root in root-owned folders
 * (`GEMINI_CLI_SYSTEM_SETTINGS_PATH`, bundle 0.61.0 `loadSystemFile`), so a normal user's Tether
 * injects **no hooks**: it fixes the conversation id with `--session-id` and tails the chat file
 * `<GEMINI_CLI_HOME | home>/.gemini/tmp/<project>/chats/session-<time>-<id8>.jsonl`, whose first
 * line names the session. The file rewrites a message (same `id`) each time it changes and has no
 * turn-end line: a model message without tool calls is a candidate turn end that settles.
 * Shapes quoted from Gemini CLI 0.61.0 (observed; samples in test/data/voices/gemini/).
 */
import type { AgentEvent } from '../../src/common/index.js';
import type { HookInjection, HookSessionContext, HookWitness, TranscriptWitness } from '../cliDescriptor.js';
import { field, text } from '../shared/json.js';
import { commonHook, filePathOf, namesConversation, safely, todoList } from '../shared/sharedVoice.js';

/** Arguments by which the user already names a conversation (0.61.0 `--help`). */
const CONVERSATION_ARGS = new Set(['--resume', '-r', '--session-id', '--session-file']);
/** How long a model message without tool calls waits to be the turn's last (ms): Gemini rewrites it with its calls within one write. */
export const GEMINI_SETTLE_MS = 1500;

/** `gemini --session-id <uuid>`: the only per-session setting a normal user's Gemini takes. */
function inject(session: HookSessionContext): HookInjection {
  if (namesConversation(session.args, CONVERSATION_ARGS)) return { args: [], env: {}, files: [] };
  return { args: ['--session-id', session.conversationId], env: {}, files: [], conversationId: session.conversationId };
}

/**
 * Gemini's hook payloads, should they reach the daemon (a linked extension; none are injected):
 * SessionStart, Notification `ToolPermission` (the approval, with `details.command`), AfterAgent
 * (turn end), SessionEnd.
 */
function readHook(payload: unknown): AgentEvent[] {
  const event = text(field(payload, 'hook_event_name'));
  if (event === 'AfterAgent') return [{ source: 'hook', native: event, kind: 'turn_end', status: 'ok' }];
  if (event === 'Notification' && field(payload, 'notification_type') === 'ToolPermission') {
    const details = field(payload, 'details');
    const command = text(field(details, 'command'));
    const toolName = text(field(details, 'type')) === 'exec' ? 'run_shell_command' : (text(field(details, 'title')) ?? text(field(details, 'type')) ?? 'tool');
    return [{ source: 'hook', native: event, kind: 'permission_request', toolName, ...(command !== undefined ? { command } : {}) }];
  }
  return commonHook(payload) ?? [];
}

/** A message's text: a string, or text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part) => text(field(part, 'text')) ?? '').join('') : '';
}

/** A function response's text: its `output`, else its `error`. */
function responseText(response: unknown): string {
  const output = field(response, 'output') ?? field(response, 'error');
  if (typeof output === 'string') return output;
  try {
    return JSON.stringify(output ?? response) ?? '';
  } catch {
    return '';
  }
}

/** Tool results a `user` line sends back (`functionResponse` parts). */
function functionResults(content: unknown): AgentEvent[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): AgentEvent[] => {
    const response = field(part, 'functionResponse');
    const id = text(field(response, 'id'));
    if (response === undefined || id === undefined) return [];
    const body = field(response, 'response');
    const toolName = text(field(response, 'name'));
    return [{ source: 'jsonl', native: 'functionResponse', key: `result:${id}`, kind: 'tool_result', toolUseId: id, ...(toolName ? { toolName } : {}), output: responseText(body), isError: field(body, 'error') !== undefined }];
  });
}

/** A `gemini` line (written again whenever it changes): thoughts, text, tool calls; no calls → a candidate turn end. */
function readModel(line: unknown, id: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  const thoughts = field(line, 'thoughts');
  if (Array.isArray(thoughts)) {
    thoughts.forEach((thought, index) => {
      const said = [text(field(thought, 'subject')), text(field(thought, 'description'))].filter(Boolean).join(': ');
      if (said) events.push({ source: 'jsonl', native: 'thought', key: `msg:${id}:thought:${index}`, kind: 'thinking', text: said });
    });
  }
  const said = contentText(field(line, 'content'));
  if (said.trim() !== '') events.push({ source: 'jsonl', native: 'gemini', key: `msg:${id}:text`, kind: 'assistant_text', text: said, isComplete: true });
  const calls = field(line, 'toolCalls');
  if (!Array.isArray(calls) || calls.length === 0) return [...events, { source: 'jsonl', native: 'gemini', key: `turn:${id}`, kind: 'turn_end', status: 'ok' }];
  for (const call of calls) {
    const callId = text(field(call, 'id'));
    const toolName = text(field(call, 'name')) ?? '';
    const input = field(call, 'args');
    const filePath = filePathOf(input);
    const key = `tool:${callId ?? `${id}:${toolName}`}`;
    events.push({ source: 'jsonl', native: 'toolCall', key, kind: 'tool_start', toolName, toolInput: input, ...(callId ? { toolUseId: callId } : {}), ...(filePath ? { filePath } : {}) });
    if (toolName === 'write_todos') events.push(...todoList('jsonl', 'write_todos', field(input, 'todos'), ['description'], `${key}:todos`));
    const results = field(call, 'result');
    const result = Array.isArray(results) ? field(results[0], 'functionResponse') : undefined;
    const status = field(call, 'status');
    if (callId && (status === 'success' || status === 'error') && result !== undefined) events.push(...functionResults([{ functionResponse: result }]));
  }
  return events;
}

/** One chat line → events. The first line names the session; `$set` lines are metadata. */
function readLine(line: unknown): AgentEvent[] {
  const sessionId = text(field(line, 'sessionId'));
  if (sessionId !== undefined && field(line, 'type') === undefined) return [{ source: 'jsonl', native: 'session', key: `session:${sessionId}`, kind: 'session_started', conversationId: sessionId }];
  const id = text(field(line, 'id'));
  if (id === undefined) return [];
  switch (field(line, 'type')) {
    case 'user': {
      const content = field(line, 'content');
      const results = functionResults(content);
      if (results.length > 0) return results;
      const typed = contentText(content);
      return typed.trim() === '' || typed.startsWith('<') ? [] : [{ source: 'jsonl', native: 'user', key: `msg:${id}`, kind: 'user_prompt', text: typed }];
    }
    case 'gemini':
      return readModel(line, id);
    default:
      return [];
  }
}

/** Gemini's hooks: nothing injected (see above) but `--session-id`; payloads read if they come. */
export const geminiHooks: HookWitness = { events: [], inject, read: safely(readHook) };

/** Gemini's chat file: searched under every project folder by the id's first 8 characters, owned by its first line. */
export const geminiTranscript: TranscriptWitness = {
  locate: ({ home, conversationId, env }) => {
    if (!/^[0-9a-f-]{8,64}$/i.test(conversationId)) return undefined;
    const base = env?.GEMINI_CLI_HOME?.startsWith('/') ? env.GEMINI_CLI_HOME : home;
    return {
      dir: `${base}/.gemini/tmp`,
      within: ['*', 'chats'],
      name: new RegExp(`^session-.*-${conversationId.slice(0, 8)}\\.jsonl$`),
      owns: (first) => field(first, 'sessionId') === conversationId,
    };
  },
  read: safely(readLine),
  settleTurnEndMs: GEMINI_SETTLE_MS,
};
