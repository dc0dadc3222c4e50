/**
 * Characters that change how text reads without being seen: bidirectional controls (the
 * "Trojan Source" attack, CVE-2021-42574), zero-width and other invisible format characters,
 * and Unicode tag characters. A prompt that holds any of them is flagged on the wire
 * (`waiting_for_input.has_hidden_characters`) and each one is shown as a visible mark on the
 * approval sheet, so an approval never rests on text that reads differently than it runs.
 * Sources: Unicode UAX #9 (bidi controls), Unicode "Default_Ignorable_Code_Point" property.
 */

/**
 * Bidi controls (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), zero-width and
 * invisible format characters (U+00AD, U+034F, U+115F–U+1160, U+17B4–U+17B5, U+180B–U+180F,
 * U+200B–U+200D, U+2060–U+2064, U+3164, U+FEFF, U+FFA0) and tag characters (U+E0000–U+E007F).
 * Variation selectors (U+FE00–U+FE0F) are left out: every emoji with VS16 ("⚠️") carries one.
 */
const HIDDEN = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u3164\ufeff\uffa0\u{e0000}-\u{e007f}]/u;
const HIDDEN_GLOBAL = new RegExp(HIDDEN.source, 'gu');

/** True when `text` holds a bidi control or an invisible character. @throws never */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

/** A run of `text`: plain text, or one hidden character with its code point as `U+XXXX`. */
export type TextPiece = { readonly text: string } | { readonly hidden: string; readonly codePoint: string };

/**
 * Splits `text` into plain runs and hidden characters, in order, for a view that shows each
 * hidden one as a visible mark (`⟨U+202E⟩`).
 * @throws never
 */
export function splitHiddenCharacters(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(HIDDEN_GLOBAL)) {
    const at = match.index ?? 0;
    if (at > last) pieces.push({ text: text.slice(last, at) });
    const code = match[0].codePointAt(0) ?? 0;
    pieces.push({ hidden: match[0], codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` });
    last = at + match[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

/** C0 and C1 control characters and DEL (newlines and ESC among them). */
const CONTROLS_GLOBAL = /[\u0000-\u001f\u007f-\u009f]/gu;

/**
 * A client-supplied label (a device name, a platform) made safe to store, show and log: control
 * characters become spaces, hidden characters go, whitespace collapses, at most `max`
 * characters (code points) are kept.
 * @throws never
 */
export function plainLabel(text: string, max: number): string {
  const cleaned = text.replace(CONTROLS_GLOBAL, ' ').replace(HIDDEN_GLOBAL, '').replace(/\s+/gu, ' ').trim();
  return [...cleaned].slice(0, max).join('');
}
