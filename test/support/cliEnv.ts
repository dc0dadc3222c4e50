/**
 * The one env builder for every CLI the tests and recordings run: it reads the CLI's recording
 * data (`parsers/<cli>/<cli>Recording.ts`, through its descriptor), makes HOME and the project
 * dir, seeds the files, links and dirs of the base setup, the variant and the caller's patch,
 * and builds the environment. Every process started with that environment carries its id
 * (`CLI_ENV_ID`, inherited by children and detached daemons), so the cleanup ends exactly those
 * still running (Codex's detached app-server, Gemini's relaunched child), never another user's
 * process that happens to share a fixture path, before removing the directories.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getCli } from '../../parsers/index.js';
import { releaseOf, type CliBin, type CliRecording, type SeedFile, type SetupPatch } from '../../parsers/cliRecording.js';
import { agentCliBin } from './agentClis.js';
import { REPO_ROOT } from './repoRoot.js';

/** Options for {@link makeCliEnv}. */
export interface CliEnvOptions {
  /** The mock server's base URL (`{mock_url}`); required when the CLI talks to a mock. */
  readonly mockUrl?: string;
  /** Use this HOME (emptied first) instead of a fresh temp dir. */
  readonly home?: string;
  /** Use this project dir (emptied first) instead of a fresh temp dir. */
  readonly projectDir?: string;
  /** A named variant of the CLI's setup (`untrusted`, `plan`, …). */
  readonly variant?: string;
  /**
   * A release of the CLI (`CliRecording.releases`): its executable and setup. Default: the
   * recording's `newest` when `newest` is set here, else the main version.
   */
  readonly release?: string;
  /** Use the recording's newest release (what the end-to-end suites run) unless `release` names one. */
  readonly newest?: boolean;
  /** More env entries and files (paths with `{home}`/`{project}`), applied last. */
  readonly patch?: SetupPatch;
}

/** A seeded environment for one CLI. */
export interface CliEnv {
  readonly cli: string;
  readonly home: string;
  readonly projectDir: string;
  /** The full environment for the CLI process. */
  readonly env: Record<string, string>;
  /** The version of the CLI this env runs (the release's). */
  readonly version: string;
  /** The CLI's executable and the arguments before a test's own. */
  readonly bin: string;
  readonly args: readonly string[];
  /** The processes still running with this environment (its `CLI_ENV_ID`). */
  processes(): number[];
  /** Ends {@link processes}, then removes HOME and the project dir. */
  cleanup(): void;
}

/**
 * The env entry that marks every process started with a built environment. Not `TETHER_*`:
 * the daemon strips those from a session's environment.
 */
export const ENV_ID_VARIABLE = 'CLI_ENV_ID';

/**
 * The recording data of a CLI id.
 * @throws Error when the CLI has none
 */
export async function loadRecording(cli: string): Promise<CliRecording> {
  const load = getCli(cli).recording;
  if (getCli(cli).id !== cli || load === undefined) throw new Error(`no recording data for CLI ${cli}`);
  return load();
}

/** The executable a recording (or one of its releases) names: a repo path, a pinned agent CLI, or an absolute path with placeholders. */
export function cliBin(recording: CliRecording | { readonly bin: CliBin }, fill: (text: string) => string = (text) => text): string {
  if ('repo' in recording.bin) return path.join(REPO_ROOT, recording.bin.repo);
  if ('agentCli' in recording.bin) return agentCliBin(recording.bin.agentCli, recording.bin.agentPackage);
  return fill(recording.bin.path);
}

/** The release `options` pick: `release`, else the newest when asked for, else the main version. */
function pickRelease(recording: CliRecording, options: Pick<CliEnvOptions, 'release' | 'newest'>): string | undefined {
  return options.release ?? (options.newest ? recording.newest : undefined);
}

/** True when the CLI's executable (of a release, or its newest) is installed (run `node test/installAgentClis.mjs` otherwise). */
export async function hasCli(cli: string, options: Pick<CliEnvOptions, 'release' | 'newest'> = {}): Promise<boolean> {
  const recording = await loadRecording(cli);
  return fs.existsSync(cliBin(releaseOf(recording, pickRelease(recording, options))));
}

function freshDir(dir: string | undefined, prefix: string): string {
  if (!dir) return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** `command -v NAME` on the recording machine's PATH. @throws Error when it is not there */
function which(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0 || found.stdout.trim() === '') throw new Error(`${name} not found on PATH`);
  return found.stdout.trim();
}

/**
 * Creates HOME and the project dir, seeds them and builds the env of `cli` (a recording, or
 * a CLI id whose recording data is loaded first).
 * @throws Error when the variant is unknown, a mock URL is missing, or a seed cannot be written
 */
export async function makeCliEnv(cli: string | CliRecording, options: CliEnvOptions = {}): Promise<CliEnv> {
  const recording = typeof cli === 'string' ? await loadRecording(cli) : cli;
  const id = typeof cli === 'string' ? cli : 'cli';
  const release = releaseOf(recording, pickRelease(recording, options));
  const variant = options.variant === undefined ? {} : (release.variants?.[options.variant] ?? recording.variants?.[options.variant]);
  if (variant === undefined) throw new Error(`${id} has no variant ${options.variant}`);
  if (recording.mock !== 'none' && options.mockUrl === undefined) throw new Error(`${id} needs the URL of its ${recording.mock} mock`);
  const home = freshDir(options.home, `tether-${id}-home-`);
  const projectDir = options.home !== undefined && options.projectDir === options.home ? home : freshDir(options.projectDir, `tether-${id}-project-`);
  const fill = (text: string): string =>
    text.replaceAll('{home}', home).replaceAll('{project}', projectDir).replaceAll('{mock_url}', options.mockUrl ?? '');
  const patches = [recording.setup, release.setup ?? {}, variant, options.patch ?? {}];

  for (const dir of patches.flatMap((patch) => patch.dirs ?? [])) fs.mkdirSync(fill(dir), { recursive: true });
  const files = new Map<string, SeedFile>();
  for (const patch of patches) for (const [file, content] of Object.entries(patch.files ?? {})) files.set(file, content);
  for (const [file, content] of files) {
    const target = fill(file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const text = typeof content === 'string' ? content : content.text;
    fs.writeFileSync(target, fill(text), typeof content !== 'string' && content.executable ? { mode: 0o755 } : {});
  }
  for (const patch of patches) {
    for (const [link, target] of Object.entries(patch.links ?? {})) {
      fs.mkdirSync(path.dirname(fill(link)), { recursive: true });
      fs.symlinkSync(target.replace(/\{which:([\w.-]+)\}/g, (_, name: string) => which(name)), fill(link));
    }
  }
  const env: Record<string, string> = {
    HOME: home,
    USER: 'tether',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
  };
  for (const patch of patches) for (const [key, value] of Object.entries(patch.env ?? {})) env[key] = fill(value);
  const envId = randomUUID();
  // A temp HOME is ours alone, so a process naming it on its command line is ours too (a daemon
  // that clears its environment); a caller's stable fixture path may be shared with others.
  const uniqueHome = options.home === undefined ? home : undefined;
  env[ENV_ID_VARIABLE] = envId;
  return {
    cli: id,
    home,
    projectDir,
    env,
    version: release.version,
    bin: cliBin(release, fill),
    args: recording.args ?? [],
    processes: () => processesWith(envId, uniqueHome),
    cleanup() {
      killProcessesWith(envId, uniqueHome);
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(projectDir, { recursive: true, force: true });
    },
  };
}

/** The pids of processes (not this one) whose environment has `CLI_ENV_ID=<envId>`, or whose command line names `uniqueHome`. */
function processesWith(envId: string, uniqueHome: string | undefined): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const marked = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${ENV_ID_VARIABLE}=${envId}`);
      if (marked || (uniqueHome !== undefined && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(uniqueHome))) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Blocks the thread for `ms` (cleanup runs synchronously). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * SIGKILLs every process of the environment `envId`, rescanning until two scans in a row find
 * none (a launcher may still be forking), for at most `maxMs`. Returns how many it signalled.
 */
function killProcessesWith(envId: string, uniqueHome: string | undefined, maxMs = 3000): number {
  let count = 0;
  let quietScans = 0;
  const deadline = Date.now() + maxMs;
  while (quietScans < 2 && Date.now() < deadline) {
    const pids = processesWith(envId, uniqueHome);
    quietScans = pids.length === 0 ? quietScans + 1 : 0;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        count += 1;
      } catch {
        // already gone
      }
    }
    if (quietScans < 2) pause(pids.length === 0 ? 20 : 150);
  }
  return count;
}
