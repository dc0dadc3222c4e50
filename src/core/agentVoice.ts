/**
 * AgentVoice: one session's agent events (hooks, transcript) → the session events phones see:
 * `activity` and `new_message` (the timeline), `progress_update` (current operation, todo
 * progress from the agent's own todo tools), `interaction_completed` (a turn ended), and the
 * conversation id (`onConversation`; the session sends `session_updated`). De-duplicates what two witnesses both say (by key);
 * permission and notification events go to the screen's cross-check (`onEvidence`).
 */
import { randomUUID } from 'node:crypto';
import { Disposable, Emitter } from '../common/index.js';
import type { AgentEvent, IClock, SessionEvent, TodoStatus } from '../common/index.js';

/** Longest text (characters) an activity or message carries; the rest is cut with a marker. */
export const MAX_ACTIVITY_CHARS = 16 * 1024;
/** Keys remembered for de-duplication; the oldest go first (a turn has far fewer). */
const MAX_KEYS = 20_000;
/** Longest `current_operation` (characters): one status line. */
const MAX_OPERATION_CHARS = 200;

/** `value` cut to `max` characters with a marker naming what was cut. @throws never */
export function cut(value: string, max = MAX_ACTIVITY_CHARS): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[truncated ${value.length - max} characters]`;
}

/** A tool's input for the wire: as given, or a cut preview when its JSON is too long. */
function toolParams(input: unknown): unknown {
  if (input === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  return json.length <= MAX_ACTIVITY_CHARS ? input : { truncated: true, preview: cut(json) };
}

/** A one-line summary of a tool call: its name and command or file. */
function operationOf(event: Extract<AgentEvent, { kind: 'tool_start' }>): string {
  const command = (event.toolInput as { command?: unknown } | undefined)?.command;
  const detail = typeof command === 'string' ? command : event.filePath;
  return cut(detail ? `${event.toolName}: ${detail.replace(/\s+/g, ' ')}` : event.toolName, MAX_OPERATION_CHARS);
}

/** What AgentVoice needs from its session. */
export interface AgentVoiceOptions {
  readonly sessionId: string;
  readonly clock: IClock;
  readonly nextSeq: () => number;
  /** Emits one event on the session's stream. */
  readonly emit: (event: SessionEvent) => void;
  /**
   * A turn ended: returns true when another part reports it (the prompt queue completes the
   * interaction it typed), and then no `interaction_completed` is sent from here.
   */
  readonly turnEnded?: (status: 'ok' | 'error') => boolean;
}

/** How long typed text waits for the agent to report it as a user message (ms). */
const EXPECT_MS = 120_000;
/** Named texts kept at most per session. */
const MAX_EXPECTED = 16;

/** Text compared as the same message: whitespace runs as one space, ends trimmed. */
function sameText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The open turn. */
interface Interaction {
  readonly id: string;
  readonly startedAt: number;
  /** The key of the prompt that opened it. */
  readonly promptKey?: string;
}

/** One session's agent events. */
export class AgentVoice extends Disposable {
  private readonly _seen = new Set<string>();
  private readonly _expected: Array<{ readonly text: string; readonly clientMsgId: string; readonly until: number }> = [];
  private readonly _tools = new Map<string, string>();
  private readonly _todos = new Map<string, { content: string; status: TodoStatus }>();
  private _interaction: Interaction | undefined;
  private _interactions = 0;
  private _conversationId: string | undefined;
  private _announced = false;
  /** The key of the last user prompt the transcript showed (its turn ends are matched to it). */
  private _transcriptPromptKey: string | undefined;
  private _operation = 'Working';

  private readonly _onConversation = this._register(new Emitter<string>());
  /** The first SessionStart, or one with a new conversation id. */
  readonly onConversation = this._onConversation.event;
  private readonly _onEvidence = this._register(new Emitter<AgentEvent>());
  /** A permission request or notification the agent announced (the screen's second witness), or a turn's end. */
  readonly onEvidence = this._onEvidence.event;

  constructor(private readonly _options: AgentVoiceOptions, conversationId?: string) {
    super();
    this._conversationId = conversationId;
  }

  /** The CLI's conversation id, once known. */
  get conversationId(): string | undefined {
    return this._conversationId;
  }

  /** The open turn's id, if a turn is open. */
  get interactionId(): string | undefined {
    return this._interaction?.id;
  }

  /** The agent's process ended: an open turn ends with `status` (a non-zero exit of its own is `error`). */
  ended(status: 'ok' | 'error'): void {
    this._complete(status);
  }

  /** Takes events from one witness, in the witness's order. @throws never */
  ingest(events: readonly AgentEvent[]): void {
    for (const event of events) this._one(event);
  }

  private _one(event: AgentEvent): void {
    if (event.source === 'jsonl' && event.kind === 'user_prompt' && event.key) this._transcriptPromptKey = event.key;
    if (event.key !== undefined) {
      if (this._seen.has(event.key)) return;
      this._seen.add(event.key);
      if (this._seen.size > MAX_KEYS) this._seen.delete(this._seen.values().next().value as string);
    }
    switch (event.kind) {
      case 'session_started':
        return this._started(event.conversationId);
      case 'user_prompt':
        this._interaction ??= this._open(event.key);
        this._activity(event, 'user_prompt', event.text);
        return this._message('user', event.text, true, this._claimClientMsgId(event.text));
      case 'thinking':
        return this._activity(event, 'thinking', event.text);
      case 'assistant_text':
        this._activity(event, 'text', event.text);
        return this._message('assistant', event.text, event.isComplete);
      case 'tool_start':
        if (event.toolUseId) this._tools.set(event.toolUseId, event.toolName);
        this._activity(event, 'tool_start', operationOf(event), {
          tool_name: event.toolName,
          tool_params: toolParams(event.toolInput),
          ...(event.filePath ? { file_path: event.filePath } : {}),
        });
        this._operation = operationOf(event);
        this._onEvidence.fire(event);
        return this._progress();
      case 'tool_result': {
        const toolName = event.toolName ?? (event.toolUseId ? this._tools.get(event.toolUseId) : undefined);
        this._activity(event, 'tool_result', event.output, { ...(toolName ? { tool_name: toolName } : {}), ...(event.isError ? { is_error: true } : {}) });
        return this._onEvidence.fire(event);
      }
      case 'todos':
        this._todos.clear();
        event.items.forEach((item, index) => this._todos.set(item.id ?? String(index), { content: item.content, status: item.status }));
        return this._progress();
      case 'todo_delta': {
        const known = this._todos.get(event.id);
        this._todos.set(event.id, { content: event.content ?? known?.content ?? '', status: event.status });
        return this._progress();
      }
      case 'permission_request':
      case 'notification':
        return this._onEvidence.fire(event);
      case 'turn_end':
        // A transcript's turn end belongs to the last prompt it showed; a hook's to the open turn.
        if (event.source === 'jsonl' && this._interaction?.promptKey !== undefined && this._interaction.promptKey !== this._transcriptPromptKey) return;
        this._complete(event.status);
        return this._onEvidence.fire(event);
      case 'session_end':
        this._complete('ok');
        return this._onEvidence.fire(event);
    }
  }

  /** The first SessionStart, or one naming another conversation, is announced (the session then sends `session_updated`). */
  private _started(conversationId: string): void {
    if (this._announced && conversationId === this._conversationId) return;
    this._announced = true;
    this._conversationId = conversationId;
    this._onConversation.fire(conversationId);
  }

  private _open(promptKey: string | undefined): Interaction {
    this._interactions += 1;
    this._operation = 'Working';
    return { id: `${this._options.sessionId}-i${this._interactions}`, startedAt: this._options.clock.now(), ...(promptKey ? { promptKey } : {}) };
  }

  private _complete(status: 'ok' | 'error'): void {
    const interaction = this._interaction;
    if (!interaction) return;
    this._interaction = undefined;
    if (this._options.turnEnded?.(status) === true) return;
    this._options.emit({
      type: 'interaction_completed',
      session_id: this._options.sessionId,
      seq: this._options.nextSeq(),
      interaction_id: interaction.id,
      status,
      timestamp: this._timestamp(),
    });
  }

  private _activity(event: AgentEvent, activityType: 'tool_start' | 'tool_result' | 'text' | 'user_prompt' | 'thinking', content: string, extra: Record<string, unknown> = {}): void {
    this._options.emit({
      type: 'activity',
      session_id: this._options.sessionId,
      seq: this._options.nextSeq(),
      activity_type: activityType,
      content: cut(content),
      ...extra,
      is_streaming: false,
      timestamp: this._timestamp(),
      uuid: event.key ?? randomUUID(),
      source: event.source,
    });
  }

  /**
   * Typed text a client named: the next user message with the same text (whitespace aside)
   * carries `clientMsgId`. At most MAX_EXPECTED are kept, each for EXPECT_MS.
   * @throws never
   */
  expectUserMessage(text: string, clientMsgId: string): void {
    this._expected.push({ text: sameText(text), clientMsgId, until: this._options.clock.now() + EXPECT_MS });
    if (this._expected.length > MAX_EXPECTED) this._expected.shift();
  }

  private _claimClientMsgId(text: string): string | undefined {
    const now = this._options.clock.now();
    const wanted = sameText(text);
    const index = this._expected.findIndex((entry) => entry.until >= now && entry.text === wanted);
    if (index < 0) return undefined;
    return this._expected.splice(index, 1)[0].clientMsgId;
  }

  private _message(role: 'user' | 'assistant', content: string, isComplete = true, clientMsgId?: string): void {
    this._options.emit({
      type: 'new_message',
      session_id: this._options.sessionId,
      seq: this._options.nextSeq(),
      role,
      content: cut(content),
      is_complete: isComplete,
      ...(clientMsgId !== undefined ? { client_msg_id: clientMsgId } : {}),
      timestamp: this._timestamp(),
    });
  }

  private _progress(): void {
    const total = this._todos.size;
    const completed = [...this._todos.values()].filter((todo) => todo.status === 'completed').length;
    const startedAt = this._interaction?.startedAt;
    this._options.emit({
      type: 'progress_update',
      session_id: this._options.sessionId,
      seq: this._options.nextSeq(),
      current_operation: this._operation,
      elapsed_seconds: startedAt === undefined ? 0 : Math.max(0, Math.floor((this._options.clock.now() - startedAt) / 1000)),
      ...(total > 0 ? { todo_progress: { completed, total } } : {}),
      timestamp: this._timestamp(),
    });
  }

  private _timestamp(): string {
    return new Date(this._options.clock.now()).toISOString();
  }
}
