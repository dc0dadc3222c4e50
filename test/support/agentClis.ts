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

/** The executable of an installed agent CLI by its bin name (`codex`, `gemini`, `opencode`, `qwen`). */
export function agentCliBin(name: string): string {
  return join(AGENT_CLIS_DIR, 'node_modules', '.bin', name);
}

/** True when the CLI is installed (run `node test/installAgentClis.mjs` otherwise). */
export function hasAgentCli(name: string): boolean {
  return existsSync(agentCliBin(name));
}
