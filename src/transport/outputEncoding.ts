/**
 * The JSON string body of live output, written straight to UTF-8 bytes: what
 * `Buffer.from(JSON.stringify(data).slice(1, -1))` gives, without the JSON string in between.
 * PTY output is mostly escapes (every ESC becomes `\u001b`) and, in a coding agent's redraws, box
 * and spinner characters outside Latin-1, so JSON.stringify builds a two-byte string about twice
 * the chunk's size; on a 24 MB flood those strings were most of what the daemon allocated, and
 * the young-generation collections they caused cost more than the encoding itself. Here the text
 * goes to UTF-8 in a reused scratch buffer, is escaped byte by byte (a UTF-8 byte below 0x80 is
 * always its own character), and lands in a slice of a shared 1 MiB block.
 */

/** Bytes per block the encoded bodies are cut from (a block lives while any body in it does). */
const BLOCK_BYTES = 1 << 20;
/** Extra bytes each UTF-8 byte takes once escaped (JSON, RFC 8259 §7: `"`, `\` and C0 controls). */
const EXTRA = new Uint8Array(256);
/** The letter of a two-character escape (`\n`), by byte; 0 where the byte takes `\u00XX`. */
const SHORT = new Uint8Array(256);
const HEX = Buffer.from('0123456789abcdef');

for (let byte = 0; byte < 0x20; byte++) EXTRA[byte] = 5;
for (const [byte, letter] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [0x22, '"'], [0x5c, '\\']] as const) {
  EXTRA[byte] = 1;
  SHORT[byte] = letter.charCodeAt(0);
}

let scratch = Buffer.allocUnsafeSlow(64 * 1024);
let block = Buffer.allocUnsafeSlow(0);
let blockUsed = 0;

/**
 * Room for `bytes` at the end of the current block (a new block when it has too little); the
 * caller keeps what it used with `commit`.
 */
function reserve(bytes: number): Buffer {
  if (blockUsed + bytes > block.length) {
    block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, bytes));
    blockUsed = 0;
  }
  return block;
}

/** Hands out `bytes` from `blockUsed` of the current block (never handed out again). */
function commit(bytes: number): Buffer {
  const slice = block.subarray(blockUsed, blockUsed + bytes);
  blockUsed += bytes;
  return slice;
}

/** True when `text` has no lone surrogate (ES2024 String.prototype.isWellFormed; Node ≥ 20). */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * The body of `data` as a JSON string without its quotes, in UTF-8: byte for byte what
 * `JSON.stringify(data)` gives between its quotes. Bodies of consecutive chunks concatenate into
 * the body of the joined text: escapes are per code unit, and a lone surrogate is escaped as
 * `\uXXXX` (ES2019 well-formed JSON.stringify, used for such text), so a pair split across chunks
 * still decodes as one. The result is a view the caller must not write to. @throws never
 */
export function encodeOutputData(data: string): Buffer {
  if (!isWellFormed(data)) return Buffer.from(JSON.stringify(data).slice(1, -1), 'utf8');
  // At most 3 UTF-8 bytes per UTF-16 code unit (a pair's 4 bytes come from 2 units).
  if (scratch.length < data.length * 3) scratch = Buffer.allocUnsafeSlow(data.length * 3);
  const source = scratch;
  const length = source.write(data, 0, 'utf8');
  // One pass into room for the worst case (every byte a 6-byte `\u00XX`); only what was written is kept.
  const out = reserve(length * 6);
  let at = blockUsed;
  for (let i = 0; i < length; i++) {
    const byte = source[i];
    if (EXTRA[byte] === 0) {
      out[at++] = byte;
      continue;
    }
    out[at++] = 0x5c; // backslash
    const letter = SHORT[byte];
    if (letter !== 0) {
      out[at++] = letter;
      continue;
    }
    out[at++] = 0x75; // u
    out[at++] = 0x30;
    out[at++] = 0x30;
    out[at++] = HEX[byte >> 4];
    out[at++] = HEX[byte & 15];
  }
  return commit(at - blockUsed);
}
