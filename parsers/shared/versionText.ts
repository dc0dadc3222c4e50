/**
 * Reads a CLI's version off its screen: the first row matching a banner pattern whose first
 * group is the version (`>_ OpenAI Codex (v0.171.0)` → 0.171.0). Pure.
 */
import type { ScreenSnapshot } from '../../src/common/index.js';

/** A version number as banners draw it: `0.171.0`, `1.2.3-beta.1`. */
export const VERSION = String.raw`\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?`;

/** The version in the first row `pattern` matches (its first group), if any. */
export function versionOnScreen(screen: ScreenSnapshot, pattern: RegExp): string | undefined {
  for (const line of screen.lines) {
    const match = pattern.exec(line.text);
    if (match?.[1]) return match[1];
  }
  return undefined;
}
