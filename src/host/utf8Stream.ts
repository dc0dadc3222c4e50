/**
 * UTF-8 across chunk edges: a session host passes the terminal's bytes on as read, so a chunk may
 * end inside a multi-byte character. The daemon decodes once, holding an unfinished character's
 * bytes until the rest arrives, and counts the bytes of what it delivered (the output offsets of
 * host protocol 2 are bytes: a checkpoint must name the first byte not yet applied, never the
 * middle of a character).
 */

/**
 * Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence still waiting
 * for its continuation bytes (RFC 3629 §3: a lead byte C2–DF takes 1 more, E0–EF 2 more, F0–F4 3
 * more). Bytes that can never complete (stray continuations, C0/C1, F5–FF) count as complete:
 * decoding replaces them with U+FFFD wherever the chunk ends.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let at = end - 1; at >= 0 && at >= end - 3; at--) {
    const byte = bytes[at];
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xc2 && byte <= 0xdf ? 2 : 1;
    return end - at < length ? at : end;
  }
  return end;
}

/**
 * A streaming UTF-8 decoder that says how many bytes each piece of text it returns stands for.
 * Decodes with TextDecoder (WHATWG Encoding §4: invalid bytes become U+FFFD, a byte order mark is
 * kept as text), which is faster than Buffer.toString on a terminal's output.
 */
export class Utf8Stream {
  private readonly _decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private _held: Buffer | undefined;

  /** Bytes held back (the start of a character whose rest has not arrived). */
  get held(): number {
    return this._held?.length ?? 0;
  }

  /**
   * Decodes `chunk` after what was held; holds an unfinished character at its end.
   * @returns the text of the complete characters and the bytes it was decoded from
   */
  write(chunk: Buffer): { text: string; bytes: number } {
    const bytes = this._held ? Buffer.concat([this._held, chunk]) : chunk;
    const complete = completeUtf8Length(bytes);
    // A copy: the few bytes held must not keep the whole chunk alive.
    this._held = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined;
    return { text: this._decoder.decode(bytes.subarray(0, complete)), bytes: complete };
  }

  /** Decodes what is held (an unfinished character becomes U+FFFD) and empties it. */
  end(): { text: string; bytes: number } {
    const held = this._held;
    this._held = undefined;
    return held ? { text: this._decoder.decode(held), bytes: held.length } : { text: '', bytes: 0 };
  }
}
