/**
 * `tether doctor`: what Tether will meet on this machine. Lists the agent CLIs installed on PATH,
 * in the agent-CLI cache (`.cache/agent-clis`, test/installAgentClis.mjs) and among this
 * checkout's own dependencies (Claude Code is a devDependency), their versions
 * (package.json, else `--version`), whether each version is verified (listed in its descriptor,
 * parsers/<cli>/<cli>Cli.ts), and the drift counts the daemon keeps in `<dataDir>/drift.json`.
 * Reads files only: it works with or without a running daemon.
 */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriftRecord } from '../common/index.js';
import { CLIS } from '../../parsers/index.js';
import type { CliDescriptor } from '../../parsers/index.js';
import { packageOf, versionFromCommand } from '../core/cliVersion.js';
import { resolveDataDir } from '../daemonFile.js';
import { DRIFT_FILE, readDriftFile } from '../store/driftStore.js';

/** One installed CLI. */
export interface InstalledCli {
  readonly cli: string;
  readonly display_name: string;
  readonly command: string;
  /** undefined when neither the package nor `--version` told. */
  readonly version?: string;
  /** true/false against the descriptor's verified list; undefined when the descriptor tracks no versions. */
  readonly verified?: boolean;
  /** `path` (found on PATH), `cache` (the agent-CLI cache) or `repo` (a dependency of this checkout). */
  readonly source: 'path' | 'cache' | 'repo';
  readonly path: string;
  /** The npm package it came from, when known (an alias name for a second version in the cache). */
  readonly package?: string;
}

/** What `doctor` found. */
export interface DoctorReport {
  readonly data_dir: string;
  readonly clis: readonly InstalledCli[];
  readonly drift: readonly DriftRecord[];
}

/** The repository, relative to this file (dist/src/cli → the repository). */
const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The repository's agent-CLI cache (test/installAgentClis.mjs). */
const DEFAULT_CACHE = join(REPOSITORY, '.cache', 'agent-clis');

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function verifiedOf(descriptor: CliDescriptor, version: string | undefined): boolean | undefined {
  const list = descriptor.versions?.verified;
  return list && version !== undefined ? list.includes(version) : undefined;
}

/** CLIs on PATH (`source` path) or in `binDir` (`source` repo): the first command of each descriptor found. */
async function fromPath(env: NodeJS.ProcessEnv, source: 'path' | 'repo' = 'path', binDir?: string): Promise<InstalledCli[]> {
  const found: InstalledCli[] = [];
  for (const descriptor of CLIS) {
    for (const command of descriptor.commands) {
      const path = binDir ? (existsSync(join(binDir, command)) ? join(binDir, command) : undefined) : onPath(command, env);
      if (!path) continue;
      const pkg = packageOf(path, descriptor.versions?.packages ?? []);
      const version = pkg?.version ?? (await versionFromCommand(path, env));
      const verified = verifiedOf(descriptor, version);
      found.push({
        cli: descriptor.id,
        display_name: descriptor.displayName,
        command,
        ...(version !== undefined ? { version } : {}),
        ...(verified !== undefined ? { verified } : {}),
        source,
        path,
        ...(pkg ? { package: pkg.name } : {}),
      });
      break;
    }
  }
  return found;
}

/** CLIs in the agent-CLI cache: every dependency of its manifest whose `bin` runs a known command. */
function fromCache(cacheDir: string): InstalledCli[] {
  let manifest: { dependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(join(cacheDir, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return [];
  }
  const found: InstalledCli[] = [];
  for (const alias of Object.keys(manifest.dependencies ?? {})) {
    const dir = join(cacheDir, 'node_modules', alias);
    let pkg: { name?: string; version?: string; bin?: string | Record<string, string> };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg;
    } catch {
      continue;
    }
    const bins = typeof pkg.bin === 'string' ? { [alias.split('/').pop() ?? alias]: pkg.bin } : (pkg.bin ?? {});
    for (const [command, target] of Object.entries(bins)) {
      const descriptor = CLIS.find((cli) => cli.commands.includes(command));
      if (!descriptor) continue;
      const verified = verifiedOf(descriptor, pkg.version);
      found.push({
        cli: descriptor.id,
        display_name: descriptor.displayName,
        command,
        ...(pkg.version ? { version: pkg.version } : {}),
        ...(verified !== undefined ? { verified } : {}),
        source: 'cache',
        path: join(dir, target),
        package: alias === pkg.name ? alias : `${alias} (${pkg.name})`,
      });
      break;
    }
  }
  return found;
}

/** Gathers the report. */
export async function runDoctor(options: { dataDir?: string; cacheDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<DoctorReport> {
  const dataDir = resolveDataDir(options.dataDir);
  const env = options.env ?? process.env;
  const clis = [...(await fromPath(env)), ...fromCache(options.cacheDir ?? DEFAULT_CACHE), ...(await fromPath(env, 'repo', join(REPOSITORY, 'node_modules', '.bin')))];
  return { data_dir: dataDir, clis, drift: readDriftFile(dataDir) };
}

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

/** What each drift kind means and what to do about it (printed under the table for the kinds present). */
const DRIFT_MEANINGS: Readonly<Record<string, string>> = {
  fallback_prompt: "the CLI's parser missed a prompt the fallback reader saw: update the parser",
  unverified_version: 'a session ran a version no recording verified: record it',
  hook_without_screen: "the CLI's permission hook announced a prompt the screen never showed: update the parser",
  screen_without_hook: 'a tool dialog on screen that no permission hook announced: check the hooks or the parser',
  hooks_silent: "a session's hooks never reached the daemon: the CLI ignored or refused them",
};

/** The report as text for a terminal. */
export function formatDoctor(report: DoctorReport): string {
  const out: string[] = ['Agent CLIs'];
  if (report.clis.length === 0) out.push('  none found on PATH or in the agent-CLI cache');
  else {
    const verified = (cli: InstalledCli) => (cli.verified === undefined ? '-' : cli.verified ? 'yes' : 'NO');
    const rows = report.clis.map((cli) => [cli.display_name, cli.command, cli.version ?? '?', verified(cli), cli.source, cli.package ? `${cli.path}  [${cli.package}]` : cli.path]);
    out.push(table([['cli', 'command', 'version', 'verified', 'from', 'where'], ...rows]).replace(/^/gmu, '  '));
  }
  out.push('', `Drift (${join(report.data_dir, DRIFT_FILE)})`);
  if (report.drift.length === 0) out.push('  none recorded');
  else {
    const rows = report.drift.map((d) => [d.cli, d.cli_version, d.kind, String(d.count), d.last_seen, d.sample]);
    out.push(table([['cli', 'version', 'kind', 'count', 'last seen', 'sample'], ...rows]).replace(/^/gmu, '  '));
    const kinds = [...new Set(report.drift.map((d) => d.kind))].filter((kind) => DRIFT_MEANINGS[kind] !== undefined);
    if (kinds.length > 0) out.push('', ...kinds.map((kind) => `  ${kind}: ${DRIFT_MEANINGS[kind]}`));
  }
  return `${out.join('\n')}\n`;
}

/** `tether doctor [--data-dir DIR] [--cache DIR] [--json]`; resolves with exit code 0. */
export async function doctorCommand(options: { dataDir?: string; cache?: string; json?: boolean }, stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  const report = await runDoctor({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.cache ? { cacheDir: options.cache } : {}) });
  stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
  return 0;
}
