/**
 * Paths of the pinned agent CLIs installed by test/installAgentClis.mjs into
 * .cache/agent-clis (versions in test/agentClis.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repoRoot.js';

/** Where the CLIs are installed. */
export const AGENT_CLIS_DIR = join(REPO_ROOT, '.cache', 'agent-clis');

/** The pinned versions, by package name. */
export const AGENT_CLI_VERSIONS: Readonly<Record<string, string>> = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'agentClis.json'), 'utf8')) as { dependencies: Record<string, string> }
).dependencies;

/**
 * The executable of an installed agent CLI by its bin name (`codex`, `gemini`, `opencode`, `qwen`);
 * with `pkg`, the bin of that package (an npm alias such as `qwen-code-0.24.4`: a second version
 * installs the same bin name, and `.bin/` links only one of them).
 */
export function agentCliBin(name: string, pkg?: string): string {
  if (pkg === undefined) return join(AGENT_CLIS_DIR, 'node_modules', '.bin', name);
  const dir = join(AGENT_CLIS_DIR, 'node_modules', pkg);
  try {
    const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const path = typeof bin === 'string' ? bin : bin?.[name];
    if (path !== undefined) return join(dir, path);
  } catch {
    // not installed: the path below does not exist either
  }
  return join(dir, 'bin', name);
}

/** True when the CLI (of that package) is installed (run `node test/installAgentClis.mjs` otherwise). */
export function hasAgentCli(name: string, pkg?: string): boolean {
  return existsSync(agentCliBin(name, pkg));
}
