/**
 * Parsing of untrusted client frames: JSON, object shape, a known `type`, then that type's
 * schema from protocol.ts; failures become TetherError BAD_MESSAGE naming the field.
 */
import type { z } from 'zod';
import { TetherError } from './errors.js';
import { clientMessageSchemas, LIMITS, type ClientMessage, type ClientMessageType } from './protocol.js';

function describeIssues(type: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.length > 0 ? `${type}.${issue.path.join('.')}` : type;
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Parses and validates one client frame.
 * @throws TetherError BAD_MESSAGE when the frame is not JSON, not an object, has an unknown
 *   `type`, or a field fails its schema (the message names the field)
 */
export function parseClientMessage(raw: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new TetherError('BAD_MESSAGE', 'malformed JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TetherError('BAD_MESSAGE', 'a message must be a JSON object');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw new TetherError('BAD_MESSAGE', 'missing string field "type"');
  if (!Object.hasOwn(clientMessageSchemas, type)) {
    const known = Object.keys(clientMessageSchemas).join(', ');
    throw new TetherError('BAD_MESSAGE', `unknown type "${type.slice(0, 64)}" (expected one of: ${known})`);
  }
  const schema = clientMessageSchemas[type as ClientMessageType];
  const result = schema.safeParse(value);
  if (!result.success) throw new TetherError('BAD_MESSAGE', describeIssues(type, result.error.issues));
  return result.data as ClientMessage;
}

/** The `request_id` of a frame that failed to parse, when it has a valid one (for the error reply). */
export function peekRequestId(raw: string): string | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const candidate = (value as { request_id?: unknown }).request_id;
    return typeof candidate === 'string' && candidate.length >= 1 && candidate.length <= LIMITS.requestId ? candidate : undefined;
  } catch {
    return undefined;
  }
}
