/**
 * AgentEvent: what an agent CLI said about itself through its own witnesses (hook payloads,
 * transcript lines), normalised by one pure reader per CLI (parsers/<cli>/). The daemon never
 * reads a CLI's raw shapes elsewhere; it turns these into `activity`, `new_message`,
 * `progress_update`, `interaction_completed` and `session_updated` (docs/agent-voices.md).
 */

/** Where an agent event came from (the `source` of `activity`). */
export type AgentSource = 'hook' | 'jsonl';

/** A todo item's state, as the agents' own todo tools name them. */
export type TodoStatus = 'pending' | 'in_progress' | 'completed';

/** What every agent event carries. */
export interface AgentEventBase {
  readonly source: AgentSource;
  /** The CLI's own name of what happened (`PreToolUse`, `tool_use`, `turn_duration`). */
  readonly native: string;
  /** Stable id for de-duplication across witnesses (tool_use_id, prompt id, line uuid). */
  readonly key?: string;
}

/** One normalised agent event. */
export type AgentEvent = AgentEventBase &
  (
    | { readonly kind: 'session_started'; readonly conversationId: string; readonly model?: string }
    | { readonly kind: 'user_prompt'; readonly text: string }
    | { readonly kind: 'thinking'; readonly text: string }
    | { readonly kind: 'assistant_text'; readonly text: string; readonly isComplete: boolean }
    | { readonly kind: 'tool_start'; readonly toolName: string; readonly toolInput: unknown; readonly toolUseId?: string; readonly filePath?: string }
    | { readonly kind: 'tool_result'; readonly toolName?: string; readonly toolUseId?: string; readonly output: string; readonly isError: boolean }
    | { readonly kind: 'permission_request'; readonly toolName: string; readonly command?: string; readonly requestId?: string }
    | { readonly kind: 'notification'; readonly notificationType: string; readonly message: string }
    | { readonly kind: 'todos'; readonly items: ReadonlyArray<{ readonly id?: string; readonly content: string; readonly status: TodoStatus }> }
    | { readonly kind: 'todo_delta'; readonly id: string; readonly content?: string; readonly status: TodoStatus }
    | { readonly kind: 'turn_end'; readonly status: 'ok' | 'error' }
    | { readonly kind: 'session_end'; readonly reason?: string }
  );

/** One kind of AgentEvent. */
export type AgentEventKind = AgentEvent['kind'];

/** A todo status from an agent's own words, or undefined. @throws never */
export function todoStatus(value: unknown): TodoStatus | undefined {
  return value === 'pending' || value === 'in_progress' || value === 'completed' ? value : undefined;
}
