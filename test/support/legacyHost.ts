/**
 * The session host of an older build, for the tray app's update path (a newer daemon attaches to
 * the hosts an older one left): `src/host/hostMain.ts` and its relative imports as they were at a
 * commit, read from git and transpiled (the real older program, not a stand-in).
 */
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { transpileTree } from './transpileTree.js';
import { REPO_ROOT } from './repoRoot.js';

/** The last commit whose host speaks host protocol 1 (UTF-8 text frames, offsets in UTF-16 units). */
export const HOST_PROTOCOL_1_COMMIT = 'a21f9a092a268f3e518e04132d5fbc5d79abad48';

const cached = new Map<string, string[]>();

/** True when the clone holds `commit` (a shallow clone may not: then the v1 host cannot be built). @throws never */
export function hasCommit(commit = HOST_PROTOCOL_1_COMMIT): boolean {
  try {
    execFileSync('git', ['-C', REPO_ROOT, 'cat-file', '-e', `${commit}^{commit}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `[node, hostMain.js]` of the build at `commit`, transpiled once per test process.
 * @throws Error when the commit is not in the clone (a shallow clone: fetch its history)
 */
export function legacyHostCommand(commit = HOST_PROTOCOL_1_COMMIT): string[] {
  let command = cached.get(commit);
  if (!command) {
    const read = (path: string) => execFileSync('git', ['-C', REPO_ROOT, 'show', `${commit}:${relative(REPO_ROOT, path)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    command = [process.execPath, transpileTree(`${REPO_ROOT}/src/host/hostMain.ts`, `session-host-${commit.slice(0, 12)}`, read)];
    cached.set(commit, command);
  }
  return command;
}
