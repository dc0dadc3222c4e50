/**
 * Arbitraries shared by the fuzz surfaces: text mutated the ways transport and files break it
 * (bytes flipped, cut, duplicated, spliced with control sequences), JSON values mutated at a
 * random path, and huge or deeply nested JSON.
 */
import fc from 'fast-check';

/** Terminal control sequences worth splicing into output: CSI, OSC, DCS, mode switches, C1, broken UTF-8. */
const CONTROL_PIECES = [
  '\x1b[', '\x1b]', '\x1bP', '\x1b[?1049h', '\x1b[?1049l', '\x1b[?2026h', '\x1b[?2026l', '\x1b[2J', '\x1b[H', '\x1b[999;999H',
  '\x1b]133;A\x07', '\x1b]133;D;1\x07', '\x1b]0;title\x07', '\x1b]8;;http://x\x07', '\x1b[38;2;255;0;0m', '\x1b[0m', '\x1b[?25l',
  '\x1b[6n', '\x1b[c', '\x1b[K', '\x1b[1;1r', '\x9b', '\x07', '\r', '\n', '\t', '\b', '\x00', '\ud800', '\u200f', '\u202e', '╭', '│', '❯', '●',
];

/** A random splice: an index fraction and what to do there. */
type Edit = { at: number; kind: 'insert' | 'delete' | 'duplicate' | 'flip'; text: string; length: number };

const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  kind: fc.constantFrom('insert', 'delete', 'duplicate', 'flip'),
  text: fc.oneof(fc.constantFrom(...CONTROL_PIECES), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 })),
  length: fc.integer({ min: 1, max: 64 }),
});

function applyEdit(text: string, edit: Edit): string {
  const at = Math.floor(edit.at * text.length);
  switch (edit.kind) {
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.length);
    case 'duplicate':
      return text.slice(0, at + edit.length) + text.slice(at, at + edit.length) + text.slice(at + edit.length);
    case 'flip': {
      const code = text.charCodeAt(at);
      return Number.isNaN(code) ? text : text.slice(0, at) + String.fromCharCode(code ^ (1 << (edit.length % 16))) + text.slice(at + 1);
    }
  }
}

/** `base` with 1–8 random edits. */
export function mutatedText(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(base, fc.array(editArbitrary, { minLength: 1, maxLength: 8 })).map(([text, edits]) => edits.reduce(applyEdit, text));
}

/** UTF-16 code units of any value, lone surrogates included. */
export const codeUnits: fc.Arbitrary<string> = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((codes) => String.fromCharCode(...codes));

/** Any string: printable, any code point, any code unit (lone surrogates), or raw bytes read as UTF-8 or Latin-1. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  codeUnits,
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

/** An integer from 1 to about `max`, spread evenly over orders of magnitude (most cases stay cheap, some are huge). */
function logScale(max: number): fc.Arbitrary<number> {
  const steps = 48;
  return fc.integer({ min: 0, max: steps }).map((step) => Math.max(1, Math.floor(max ** (step / steps))));
}

/** JSON nested up to 100k levels deep in arrays or objects, closed or not. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(logScale(100_000), fc.boolean(), fc.boolean())
  .map(([depth, arrays, closed]) => {
    const open = arrays ? '[' : '{"a":';
    const close = arrays ? ']' : '}';
    return open.repeat(depth) + '1' + (closed ? close.repeat(depth) : '');
  });

/** A JSON object with one huge string field (up to 2 MB) or a huge array (up to 200k items). */
export const hugeJson: fc.Arbitrary<string> = fc
  .tuple(logScale(2_000_000), fc.constantFrom('type', 'text', 'data', 'session_id', 'x'), fc.boolean())
  .map(([size, field, asArray]) => JSON.stringify({ type: 'send_input', [field]: asArray ? new Array(Math.min(size, 200_000)).fill(0) : 'x'.repeat(size) }));

/** Mutates a JSON value: replaces, deletes or adds a field somewhere inside it. */
export function mutatedJson(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(base, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('replace', 'delete', 'add'), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 4 }))
    .map(([value, edits]) => {
      const copy = structuredClone(value) as Record<string, unknown>;
      for (const [where, kind, key, replacement] of edits) {
        if (typeof copy !== 'object' || copy === null) break;
        const keys = Object.keys(copy);
        const target = keys[Math.floor(where * keys.length)] ?? key;
        if (kind === 'replace') copy[target] = replacement;
        else if (kind === 'delete') delete copy[target];
        else copy[key] = replacement;
      }
      return copy;
    });
}
