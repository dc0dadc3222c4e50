/**
 * Safe reads of untrusted JSON (hook payloads, transcript lines): a field of an object, a
 * string. Never throw, whatever the value's shape.
 */

/** `value` as a plain object, or undefined. @throws never */
export function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value[name]` when `value` is an object (own fields only), else undefined. @throws never */
export function field(value: unknown, name: string): unknown {
  const object = record(value);
  return object !== undefined && Object.hasOwn(object, name) ? object[name] : undefined;
}

/** `value` when it is a string, else undefined. @throws never */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An id: a string, or a finite number as its decimal text; else undefined. @throws never */
export function idText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}
