/**
 * A CLI's version from its installation: the npm `package.json` above the executable (what
 * every npm-installed CLI ships: `@openai/codex`, `@qwen-code/qwen-code`, `opencode-ai`,
 * `@anthropic-ai/claude-code`…), or, for `tether doctor`, the output of `<command> --version`.
 * Sessions read the package at start (synchronous, a few stats) and the banner later.
 */
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Directories walked up from the executable looking for its package.json. */
const MAX_PACKAGE_DEPTH = 4;
/** `--version` may take this long (ms): Node CLIs start slowly on a loaded machine. */
const VERSION_COMMAND_TIMEOUT_MS = 10_000;
/** A version number as CLIs print it (`codex-cli 0.171.0`, `2.1.197 (Claude Code)`, `0.24.4`). */
const VERSION_IN_TEXT = /\b(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b/u;

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly bin?: string | Record<string, string>;
}

function readPackage(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** True when the package's `bin` points at `file` (a path inside `dir`). */
function binIs(pkg: PackageJson, dir: string, file: string): boolean {
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  return bins.some((bin) => resolve(dir, bin) === file);
}

/**
 * The installed package an executable belongs to: its name and version, when a `package.json`
 * within a few directories above the executable's real path names one of `packages` or lists
 * the executable in its `bin`. Never throws.
 */
export function packageOf(executable: string, packages: readonly string[] = []): { name: string; version: string; dir: string } | undefined {
  let file: string;
  try {
    file = realpathSync(executable);
  } catch {
    return undefined;
  }
  let dir = dirname(file);
  for (let depth = 0; depth < MAX_PACKAGE_DEPTH; depth++) {
    const pkg = readPackage(dir);
    if (pkg?.name && pkg.version && (packages.includes(pkg.name) || binIs(pkg, dir, file))) return { name: pkg.name, version: pkg.version, dir };
    // Never leave the package's own node_modules entry for a parent project's package.json.
    if (relative(dir, dirname(dir)) === '' || /(^|[\\/])node_modules$/u.test(dirname(dir))) break;
    dir = dirname(dir);
  }
  return undefined;
}

/** The version number in a CLI's `--version` output or banner text. */
export function versionInText(text: string): string | undefined {
  return VERSION_IN_TEXT.exec(text)?.[1];
}

/**
 * Runs `<executable> --version` and reads the version from its output.
 * @returns undefined when the command fails, times out (VERSION_COMMAND_TIMEOUT_MS) or prints no version
 */
export function versionFromCommand(executable: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(executable, ['--version'], { timeout: VERSION_COMMAND_TIMEOUT_MS, env, windowsHide: true }, (err, stdout, stderr) => {
      done(err && !stdout ? undefined : versionInText(`${stdout}\n${stderr}`));
    });
  });
}
