/**
 * What a credential may do. A device's rights are fixed when its credential is minted (the
 * pairing code's grant, the `tether open` login link, the admin secret), never taken from
 * anything the client says about itself. The transport's auth helper is the one place that
 * checks them; docs/protocol.md ("Scopes") and README "Security" describe each right.
 */

/**
 * Every right, one word each:
 * - `view`: see sessions, their screens, output and prompts (every paired device).
 * - `answer`: answer prompts (`tool_approval`, `answer`).
 * - `input`: type into, resize and close sessions (not the desk's own `tether run` sessions).
 * - `start`: start sessions of the configured CLIs in the configured folders, without arguments.
 * - `start_any`: start any command with any arguments in any folder.
 * - `desk`: type into, resize and close the desk's own `tether run` sessions.
 * - `devices`: list and revoke devices, mint pairing codes (the desktop dashboard).
 */
export const RIGHTS = ['view', 'answer', 'input', 'start', 'start_any', 'desk', 'devices'] as const;

/** One right. */
export type Right = (typeof RIGHTS)[number];

/** The named grants a credential is minted with, and the rights each holds. */
export const SCOPE_PRESETS = {
  /** A phone paired with `tether pair` (the default). */
  phone: ['view', 'answer', 'input', 'start'],
  /** `tether pair --scope full`: also any command, and the desk's own sessions. */
  full: ['view', 'answer', 'input', 'start', 'start_any', 'desk'],
  /** The dashboard opened with a `tether open` login link (or by the tray app): everything. */
  desktop: ['view', 'answer', 'input', 'start', 'start_any', 'desk', 'devices'],
} as const satisfies Record<string, readonly Right[]>;

/** A grant's name. */
export type ScopeName = keyof typeof SCOPE_PRESETS;

/** The grants `tether pair --scope` and `POST /api/web/pairing-code {scope}` may mint (not `desktop`). */
export const PAIRING_SCOPES = ['phone', 'full'] as const satisfies readonly ScopeName[];

/** True for a known right. @throws never */
export function isRight(value: unknown): value is Right {
  return typeof value === 'string' && (RIGHTS as readonly string[]).includes(value);
}

/**
 * The rights a stored list names, unknown words dropped; a record without a list (written
 * before scopes existed) gets the phone's rights.
 * @throws never
 */
export function rightsOf(scopes: readonly unknown[] | undefined): Right[] {
  if (scopes === undefined) return [...SCOPE_PRESETS.phone];
  return RIGHTS.filter((right) => scopes.includes(right));
}
