/**
 * Text helpers for notification payloads: split into user-perceived characters, summarise
 * (collapse whitespace, cut with "…") and fit a field into a byte budget. Cuts always fall on a
 * grapheme-cluster boundary, which is also a code point boundary, so no surrogate is ever split.
 */

/** Appended where text was cut. */
export const ELLIPSIS = '…';

/** Grapheme segmentation keeps emoji sequences and combining marks whole. */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Returns the first `limit` user-perceived characters of `text` (fewer when it is shorter).
 * Lazy: a huge text is only segmented up to `limit`.
 */
export function firstCharacters(text: string, limit: number): string[] {
  const characters: string[] = [];
  if (limit <= 0) return characters;
  for (const { segment } of segmenter.segment(text)) {
    characters.push(segment);
    if (characters.length >= limit) break;
  }
  return characters;
}

/**
 * Cuts `text` to at most `maxCharacters` characters, the last being "…" when it was cut.
 * @param maxCharacters user-perceived characters (grapheme clusters), ellipsis included
 */
export function truncateText(text: string, maxCharacters: number): string {
  if (maxCharacters <= 0) return '';
  const head = firstCharacters(text, maxCharacters + 1);
  if (head.length <= maxCharacters) return text;
  return head.slice(0, maxCharacters - 1).join('') + ELLIPSIS;
}

/**
 * Collapses runs of whitespace (newlines included) to one space, trims, then truncates.
 * @param maxCharacters user-perceived characters, ellipsis included
 */
export function summarize(text: string, maxCharacters: number): string {
  // Bound the regex work on huge prompts; eight code units per kept character is plenty.
  const limit = maxCharacters * 8;
  if (text.length <= limit) return truncateText(text.replace(/\s+/g, ' ').trim(), maxCharacters);
  const head = text.slice(0, /[\uD800-\uDBFF]/.test(text[limit - 1]) ? limit - 1 : limit);
  const collapsed = head.replace(/\s+/g, ' ').trim();
  // The text was cut here already, so the summary always ends with the ellipsis.
  return firstCharacters(collapsed, maxCharacters - 1).join('') + ELLIPSIS;
}

/**
 * Finds the longest cut of `text` for which `measure(cut)` stays within `maxBytes`.
 * `measure` must grow with the text (it is the serialised size of the whole payload).
 * @returns the text itself when it fits, a cut ending in "…", or '' when even that is too big
 */
export function fitToBytes(text: string, maxBytes: number, measure: (candidate: string) => number): string {
  if (measure(text) <= maxBytes) return text;
  const characters = firstCharacters(text, Number.MAX_SAFE_INTEGER);
  const cut = (keep: number): string => (keep <= 0 ? '' : characters.slice(0, keep).join('') + ELLIPSIS);
  let low = 0;
  let high = characters.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (measure(cut(middle)) <= maxBytes) low = middle;
    else high = middle - 1;
  }
  return cut(low);
}

/** A flat record with every value as a string (FCM `data` holds strings only); undefined → `{}`. */
export function stringValues(values: Readonly<Record<string, string | number>> | undefined): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) strings[key] = String(value);
  return strings;
}
