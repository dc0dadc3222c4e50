/**
 * OpenCode's own voice (docs/agent-voices.md, "OpenCode"). OpenCode has no hooks; its TUI runs
 * an HTTP server whose `GET /event` streams every bus event as server-sent events. Tether starts
 * it with `--port <free port>` and `OPENCODE_SERVER_PASSWORD=<the session's secret>` (basic
 * auth, user `opencode`), and reads the stream: nothing runs in the agent's path. The
 * conversation id is the first top-level `session.created` (OpenCode creates its session with
 * the first prompt; child sessions of its task tool carry a `parentID` and are left out).
 * Shapes quoted from OpenCode 1.18.33 (observed; samples in test/data/voices/opencode/).
 */
import type { AgentEvent } from '../../src/common/index.js';
import type { EventStreamWitness, HookInjection, HookSessionContext, HookWitness } from '../cliDescriptor.js';
import { field, text } from '../shared/json.js';
import { filePathOf, namesConversation, todoList } from '../shared/sharedVoice.js';

/** Arguments that already put OpenCode's server somewhere (`--port`, `--hostname`): Tether then does not read it. */
const SERVER_ARGS = new Set(['--port', '--hostname']);

/** `opencode --port {port}` with `OPENCODE_SERVER_PASSWORD={token}` (the core fills both in). */
function inject(session: HookSessionContext): HookInjection {
  if (namesConversation(session.args, SERVER_ARGS)) return { args: [], env: {}, files: [] };
  return { args: ['--port', '{port}'], env: { OPENCODE_SERVER_PASSWORD: '{token}' }, files: [] };
}

/** A message part (`message.part.updated`) → events, once it is whole. */
function readPart(part: unknown): AgentEvent[] {
  const id = text(field(part, 'id'));
  if (id === undefined) return [];
  const time = field(part, 'time');
  switch (field(part, 'type')) {
    case 'text': {
      const said = text(field(part, 'text')) ?? '';
      if (said.trim() === '' || field(part, 'synthetic') === true) return [];
      // The user's text parts carry no time; the model's have start, and end once whole.
      if (time === undefined) return [{ source: 'hook', native: 'text', key: `part:${id}`, kind: 'user_prompt', text: said }];
      return field(time, 'end') === undefined ? [] : [{ source: 'hook', native: 'text', key: `part:${id}`, kind: 'assistant_text', text: said, isComplete: true }];
    }
    case 'reasoning': {
      const thought = text(field(part, 'text')) ?? '';
      return thought.trim() === '' || field(time, 'end') === undefined ? [] : [{ source: 'hook', native: 'reasoning', key: `part:${id}`, kind: 'thinking', text: thought }];
    }
    case 'tool':
      return readTool(part, id);
    default:
      return [];
  }
}

/** A tool part: started once running (its input is whole then), a result once completed or failed. */
function readTool(part: unknown, id: string): AgentEvent[] {
  const state = field(part, 'state');
  const status = field(state, 'status');
  if (status !== 'running' && status !== 'completed' && status !== 'error') return [];
  const toolName = text(field(part, 'tool')) ?? '';
  const toolUseId = text(field(part, 'callID')) ?? id;
  const input = field(state, 'input');
  const filePath = filePathOf(input);
  const events: AgentEvent[] = [{ source: 'hook', native: 'tool', key: `tool:${toolUseId}`, kind: 'tool_start', toolName, toolInput: input, toolUseId, ...(filePath ? { filePath } : {}) }];
  if (status === 'completed' || status === 'error') {
    const output = text(field(state, status === 'error' ? 'error' : 'output')) ?? '';
    events.push({ source: 'hook', native: 'tool', key: `result:${toolUseId}`, kind: 'tool_result', toolName, toolUseId, output, isError: status === 'error' });
  }
  return events;
}

/** One bus event → agent events (of this conversation only, once it is known). */
function readEvent(event: unknown, conversationId: string | undefined): AgentEvent[] {
  const type = text(field(event, 'type'));
  const properties = field(event, 'properties');
  if (type === 'session.created') {
    const info = field(properties, 'info');
    const id = text(field(info, 'id'));
    return id === undefined || field(info, 'parentID') !== undefined || conversationId !== undefined ? [] : [{ source: 'hook', native: type, key: `session:${id}`, kind: 'session_started', conversationId: id }];
  }
  if (conversationId === undefined || text(field(properties, 'sessionID')) !== conversationId) return [];
  switch (type) {
    case 'message.part.updated':
      return readPart(field(properties, 'part'));
    case 'todo.updated':
      return todoList('hook', type, field(properties, 'todos'), ['content']);
    case 'permission.asked': {
      const command = text(field(field(properties, 'metadata'), 'command'));
      const requestId = text(field(properties, 'id'));
      return [{ source: 'hook', native: type, kind: 'permission_request', toolName: text(field(properties, 'permission')) ?? 'tool', ...(command !== undefined ? { command } : {}), ...(requestId ? { requestId } : {}) }];
    }
    case 'session.idle':
      return [{ source: 'hook', native: type, kind: 'turn_end', status: 'ok' }];
    case 'session.error':
      return [{ source: 'hook', native: type, kind: 'turn_end', status: 'error' }];
    default:
      return [];
  }
}

/** OpenCode's injection (its server on a port Tether reads); it has no hooks to read. */
export const opencodeHooks: HookWitness = { events: [], inject, read: () => [] };

/** OpenCode's server event stream. */
export const opencodeStream: EventStreamWitness = {
  path: '/event',
  user: 'opencode',
  read: (event, conversationId) => {
    try {
      return readEvent(event, conversationId);
    } catch {
      return [];
    }
  },
};
