/**
 * OpenCode's own voice (docs/agent-voices.md, "OpenCode"). OpenCode has no hooks; its TUI runs
 * an HTTP server whose `GET /event` streams every bus event as server-sent events. Tether starts
 * it with `--hostname 127.0.0.1 --port <free port>` and `OPENCODE_SERVER_PASSWORD=<the session's
 * secret>` (basic auth as `OPENCODE_SERVER_USERNAME`, set to `opencode` so the user's own value
 * cannot break it), and reads the stream: nothing runs in the agent's path, no file of the user's
 * is touched. The conversation id is a top-level session's id (`session.created`, or
 * `session.updated` when the stream opened after the session was made; a later top-level
 * `session.created` is the TUI's new session); child sessions of its task tool carry a
 * `parentID` and are left out, as are events of any other session. The turn ends at
 * `session.status` idle (or the older `session.idle`), or fails at `session.error`.
 * Shapes quoted from OpenCode 1.18.33 (observed; samples in test/data/voices/opencode/).
 */
import type { AgentEvent } from '../../src/common/index.js';
import type { EventStreamWitness, HookApprovalOption, HookInjection, HookSessionContext, HookWitness } from '../cliDescriptor.js';
import { field, text } from '../shared/json.js';
import { filePathOf, namesConversation, todoList } from '../shared/sharedVoice.js';

/** Arguments that already put OpenCode's server somewhere (`--port`, `--hostname`, `--mdns`): Tether then does not read it. */
const SERVER_ARGS = new Set(['--port', '--hostname', '--mdns']);
/** The basic-auth user Tether names (OpenCode's default, 1.18.33 `--username`: "defaults to OPENCODE_SERVER_USERNAME or 'opencode'"). */
export const OPENCODE_SERVER_USER = 'opencode';

/** `opencode --hostname 127.0.0.1 --port {port}` with the password `{token}` (the core fills both in). */
function inject(session: HookSessionContext): HookInjection {
  if (namesConversation(session.args, SERVER_ARGS)) return { args: [], env: {}, files: [] };
  // --hostname too: a user's config `server.hostname` (or mdns) would otherwise put the session's server on every interface.
  return { args: ['--hostname', '127.0.0.1', '--port', '{port}'], env: { OPENCODE_SERVER_PASSWORD: '{token}', OPENCODE_SERVER_USERNAME: OPENCODE_SERVER_USER }, files: [] };
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

/** A top-level session's id (`info.id` without `parentID`), or undefined. */
function topLevelSession(properties: unknown): string | undefined {
  const info = field(properties, 'info');
  const parent = field(info, 'parentID');
  return parent === undefined || parent === null ? text(field(info, 'id')) : undefined;
}

/** One bus event → agent events (of this conversation only, once it is known). */
function readEvent(event: unknown, conversationId: string | undefined): AgentEvent[] {
  const type = text(field(event, 'type'));
  const properties = field(event, 'properties');
  // A new top-level session is the TUI's next conversation; an update names it when the stream missed its creation.
  if (type === 'session.created' || (type === 'session.updated' && conversationId === undefined)) {
    const id = topLevelSession(properties);
    return id === undefined || id === conversationId ? [] : [{ source: 'hook', native: type, kind: 'session_started', conversationId: id }];
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
    case 'session.status':
      return field(field(properties, 'status'), 'type') === 'idle' ? [{ source: 'hook', native: type, kind: 'turn_end', status: 'ok' }] : [];
    case 'session.idle':
      return [{ source: 'hook', native: type, kind: 'turn_end', status: 'ok' }];
    case 'session.error':
      return [{ source: 'hook', native: type, kind: 'turn_end', status: 'error' }];
    default:
      return [];
  }
}

/**
 * A permission the stream announced and the screen did not show: the panel's buttons as the
 * fixtures answer them (1.18.33: Enter picks the focused "Allow once"; → Enter reaches "Allow
 * always" and Enter confirms it; Esc rejects).
 */
export const OPENCODE_HOOK_APPROVAL: readonly HookApprovalOption[] = [
  { id: 'allow_once', label: 'Allow once', role: 'approve', keys: '\r' },
  { id: 'allow_always', label: 'Allow always', role: 'approve_always', keys: '\u001b[C\r\r' },
  { id: 'reject', label: 'Reject', role: 'deny', keys: '\u001b' },
];

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
