/** The seed dialects of `/ws` by subprotocol name (see dialect.ts). */
import type { Dialect, DialectName } from './dialect.js';
import { craftDialect } from './craft.js';
import { iosBackendDialect } from './iosBackend.js';
import { mobilecliDialect } from './mobilecli.js';

export { DIALECT_NAMES, negotiateDialect } from './dialect.js';
export type { Dialect, DialectContext, DialectName } from './dialect.js';

/** Tether's own protocol: messages as they are, no dialect frames. */
export const tetherDialect: Dialect = { name: 'tether', outbound: (message) => [message], inbound: () => undefined };

const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  tether: tetherDialect,
  mobilecli: mobilecliDialect,
  craft: craftDialect,
  'ios-backend': iosBackendDialect,
};

/** The dialect named `name`. */
export function dialectOf(name: DialectName): Dialect {
  return DIALECTS[name];
}
