/**
 * The session host program for tests: `src/host/hostMain.ts` transpiled to plain JavaScript
 * (vitest runs the TypeScript sources; a host is a separate `node` process).
 */
import { transpileTree } from './transpileTree.js';
import { REPO_ROOT } from './repoRoot.js';

let cached: string[] | undefined;

/** `[node, hostMain.js]`, transpiled once per test process. */
export function hostCommand(): string[] {
  cached ??= [process.execPath, transpileTree(`${REPO_ROOT}/src/host/hostMain.ts`, 'session-host')];
  return cached;
}
