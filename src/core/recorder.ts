/**
 * `tether record`: runs a command in a PTY, passes its output through to the terminal and the
 * terminal's keystrokes (raw mode) to the PTY, and writes everything to an asciicast v2 file:
 * `o` for output, `i` for input (keystrokes and terminal replies alike), `r` for resizes, and,
 * with `--cli <type>` for a CLI with hooks, `h` hook payloads and `t` transcript lines
 * (castWitness.ts), so a replay cross-checks them with the screen as the live session did.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TetherError } from '../common/index.js';
import type { CliType } from '../common/index.js';
import { CastWriter } from './asciicast.js';
import { startCastWitness } from './castWitness.js';
import { PtyProcess } from './ptyProcess.js';

/** Options for {@link runRecorder}. */
export interface RecorderOptions {
  /** The `.cast` file to write. */
  readonly out: string;
  /** Size; defaults to the terminal's size, else 80×24. */
  readonly cols?: number;
  readonly rows?: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Keystrokes come from here (process.stdin by default). */
  readonly stdin?: NodeJS.ReadStream;
  /** Output goes here (process.stdout by default); its 'resize' events resize the PTY. */
  readonly stdout?: NodeJS.WriteStream;
  /** The agent CLI being recorded: its hooks are injected and, with its transcript, recorded (`h`, `t`). */
  readonly cli?: CliType;
  /** `tether hook` by absolute paths (for hook events the CLI runs only as commands). */
  readonly forwarder?: readonly string[];
}

/** Size used when neither the options nor the terminal give one. */
const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** Resolves `command` like a shell would: a path as-is, else the first executable on PATH. */
function resolveCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const executable = (file: string): boolean => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const file = path.resolve(cwd, command);
    return executable(file) ? file : undefined;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

function envStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return result;
}

/**
 * Records `command` into `options.out` until it exits.
 * @returns the command's exit code.
 * @throws TetherError SPAWN_FAILED when the command or cwd does not exist or cannot start.
 */
export async function runRecorder(options: RecorderOptions): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  // A TTY may report 0×0 (e.g. under `script`): treat that as unknown.
  const cols = options.cols ?? (stdout.isTTY && stdout.columns > 0 ? stdout.columns : DEFAULT_SIZE.cols);
  const rows = options.rows ?? (stdout.isTTY && stdout.rows > 0 ? stdout.rows : DEFAULT_SIZE.rows);

  if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) {
    throw new TetherError('SPAWN_FAILED', `working directory ${cwd} does not exist`);
  }
  const file = resolveCommand(options.command, env, cwd);
  if (!file) throw new TetherError('SPAWN_FAILED', `command not found: ${options.command}`);

  const writer = new CastWriter(options.out, { width: cols, height: rows, env: { TERM: env.TERM ?? 'xterm-256color', SHELL: env.SHELL ?? '' } });
  const witness = options.cli ? await startCastWitness({ cli: options.cli, args: options.args, env, cwd, forwarder: options.forwarder ?? [], writer }) : undefined;
  // PtyProcess reports exit only after the last byte was read, so the cast ends with all of it.
  let child: PtyProcess;
  try {
    child = new PtyProcess({ file, args: [...(witness?.args ?? []), ...options.args], name: env.TERM ?? 'xterm-256color', cols, rows, cwd, env: { ...envStrings(env), ...witness?.env } });
  } catch (err) {
    await witness?.dispose();
    await writer.close();
    throw err;
  }
  let exited = false;
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;

  const onInput = (chunk: Buffer | string): void => {
    if (exited) return;
    const data = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    writer.input(data);
    child.write(data);
  };
  const onResize = (): void => {
    if (exited || !stdout.columns || !stdout.rows) return;
    child.resize(stdout.columns, stdout.rows);
    writer.resize(stdout.columns, stdout.rows);
  };

  const outputSubscription = child.onData((data) => {
    writer.output(data);
    stdout.write(data);
  });
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onInput);
  stdin.resume();
  stdout.on('resize', onResize);

  const exitCode = await new Promise<number>((resolve) => {
    child.onExit(({ exitCode: code }) => {
      exited = true;
      resolve(code);
    });
  });
  outputSubscription.dispose();
  child.dispose();
  await witness?.dispose();
  stdin.off('data', onInput);
  stdout.off('resize', onResize);
  if (stdin.isTTY) stdin.setRawMode(wasRaw);
  stdin.pause();
  await writer.close();
  return exitCode;
}
