/**
 * Resolves what a session runs: a CLI name or command to an executable path, its CLI type,
 * and a sanitised environment (Tether's own secrets stripped).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { TetherError } from '../common/index.js';
import type { CliType } from '../common/index.js';
import { detectCliFromCommand, isCliType } from '../../parsers/index.js';

/** Environment variables never handed to a CLI: Tether's own secrets and settings. */
const STRIPPED_ENV = /^TETHER_/;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds `command` on PATH (or as a path).
 * @throws TetherError UNKNOWN_CLI for a known CLI name that is not installed, SPAWN_FAILED otherwise
 */
export function resolveExecutable(command: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    if (isExecutable(path)) return path;
    throw new TetherError('SPAWN_FAILED', `not an executable file: ${command}`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  const known = detectCliFromCommand(command);
  throw new TetherError(
    known ? 'SPAWN_FAILED' : 'UNKNOWN_CLI',
    known ? `${command} is not installed (not found on PATH)` : `unknown CLI or command: ${command}`,
  );
}

/**
 * The CLI type for a session: explicit wins, else from the command name, else generic.
 * @throws TetherError UNKNOWN_CLI when `explicit` is not a CLI type
 */
export function resolveCliType(command: string, explicit?: string): CliType | 'auto' {
  if (explicit !== undefined) {
    if (explicit === 'auto') return 'auto';
    if (!isCliType(explicit)) throw new TetherError('UNKNOWN_CLI', `unknown cli type: ${explicit}`);
    return explicit;
  }
  return detectCliFromCommand(command) ?? 'auto';
}

/** The daemon's environment minus Tether's secrets, plus terminal settings and `extra`. */
export function sanitizedEnv(base: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !STRIPPED_ENV.test(key)) env[key] = value;
  }
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  return { ...env, ...extra };
}

/**
 * Checks a working directory exists.
 * @throws TetherError SPAWN_FAILED when it does not
 */
export function checkCwd(cwd: string): void {
  try {
    if (statSync(cwd).isDirectory()) return;
  } catch {
    // fall through
  }
  throw new TetherError('SPAWN_FAILED', `working directory does not exist: ${cwd}`);
}
