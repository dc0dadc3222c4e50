/**
 * The `tether` command: daemon, pair, devices, open, run, record, replay, doctor, push test. Each subcommand is a thin wrapper
 * over a module that tests call directly, loaded when its subcommand runs: the daemon's
 * dependencies (push providers, TLS) take over a second to load, which `tether replay` need not pay.
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from './version.js';
import { cliCatalog } from './core/index.js';

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

/** Parses `argv` and runs the subcommand; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number | undefined> {
  let exitCode: number | undefined;
  const clis = cliCatalog();
  const program = new Command('tether').version(VERSION).description('Tether: see and answer your AI coding agents from your phone');

  program
    .command('daemon')
    .description('run the headless daemon in the foreground')
    .option('--host <host>', 'address to listen on (0.0.0.0 opts into the LAN)')
    .option('--port <port>', 'port to listen on', positiveInt)
    .option('--data-dir <dir>', 'data directory (default $TETHER_HOME or ~/.tether)')
    .option('--config <file>', 'YAML config file')
    .option('--no-qr', 'do not print a pairing QR code')
    .option('--stop-sessions', 'on stop, end every agent instead of leaving it running for the next daemon')
    .option('--insecure-no-tls', 'listen beyond loopback WITHOUT TLS: tokens and pairing codes cross the network in clear (warns on every start)')
    .action(async (options) => {
      exitCode = await (await import('./cli/daemonCommand.js')).daemonCommand(options);
    });

  program
    .command('pair')
    .description('print a one-time pairing QR code from the running daemon')
    .option('--data-dir <dir>', 'data directory of the running daemon')
    .option('--json', 'print {"url","code","expires_at"} only')
    .option('--scope <scope>', 'what the device may do: phone (view, answer, type, start the configured CLIs) or full (also any command, and typing into tether run)', 'phone')
    .action(async (options) => {
      exitCode = await (await import('./cli/pairCommand.js')).pairCommand(options);
    });
  program
    .command('devices')
    .description('list the paired devices, or revoke one: tether devices revoke <device_id>')
    .argument('[action]', 'list (default) or revoke')
    .argument('[device_id]', 'the device to revoke')
    .option('--data-dir <dir>', 'data directory of the running daemon')
    .option('--json', 'print the list as JSON')
    .action(async (action: string | undefined, deviceId: string | undefined, options) => {
      exitCode = await (await import('./cli/devicesCommand.js')).devicesCommand(action, deviceId, options);
    });

  program
    .command('open')
    .description('open the desktop dashboard of the running daemon with a one-time login link')
    .option('--data-dir <dir>', 'data directory of the running daemon')
    .option('--print', 'print the link instead of opening a browser')
    .action(async (options) => {
      exitCode = await (await import('./cli/openCommand.js')).openCommand(options);
    });

  program
    .command('run')
    .description('start a session in the running daemon and attach this terminal (Ctrl-] detaches)')
    .argument('<cli>', `${clis.flatMap((cli) => cli.commands.slice(0, 1)).join(', ')}, or any command`)
    .argument('[args...]', 'arguments for the command (after --)')
    .option('--data-dir <dir>', 'data directory of the running daemon')
    .option('--name <name>', 'session name')
    .action(async (cli: string, args: string[], options) => {
      exitCode = await (await import('./cli/runCommand.js')).runCommand(cli, args, options);
    });

  program
    .command('record')
    .description('run a command in a PTY and write an asciicast v2 recording')
    .requiredOption('--out <file>', 'the .cast file to write')
    .option('--cols <n>', 'width in cells (default: this terminal)', positiveInt)
    .option('--rows <n>', 'height in rows (default: this terminal)', positiveInt)
    .option('--cli <type>', 'the agent CLI being recorded (claude, …): its hooks and transcript are recorded too (h, t events)')
    .argument('<command...>', 'the command to record (after --)')
    .action(async (command: string[], options) => {
      const cli = options.cli === undefined ? undefined : (await import('./core/index.js')).isCliType(options.cli) ? options.cli : undefined;
      if (options.cli !== undefined && cli === undefined) throw new Error(`unknown CLI type ${options.cli}`);
      const forwarder = [process.execPath, join((await import('./transport/index.js')).packageRoot(), 'bin', 'tether-hook.mjs')];
      exitCode = await (await import('./core/recorder.js')).runRecorder({ out: options.out, cols: options.cols, rows: options.rows, command: command[0], args: command.slice(1), ...(cli ? { cli, forwarder } : {}) });
    });

  program
    .command('replay')
    .description('replay a recording through the detection pipeline and print its events')
    .argument('<file>', 'an asciicast v2 .cast file')
    .option('--cli <cli>', `${[...clis.map((cli) => cli.id), 'auto'].join('|')}`, 'auto')
    .option('--json', 'one JSON object per line')
    .action(async (file: string, options) => {
      exitCode = await (await import('./cli/replayCommand.js')).replayCommand(file, options);
    });

  program
    .command('doctor')
    .description('list the installed agent CLIs, their versions and whether each is verified, and the drift counts')
    .option('--data-dir <dir>', 'data directory (default $TETHER_HOME or ~/.tether)')
    .option('--cache <dir>', 'agent-CLI cache to list as well (default: the repository\'s .cache/agent-clis)')
    .option('--json', 'print the report as JSON')
    .action(async (options) => {
      exitCode = await (await import('./cli/doctorCommand.js')).doctorCommand(options);
    });

  program
    .command('push')
    .description('push notification tools')
    .command('test')
    .description('send a test notification through the running daemon and print each result')
    .option('--device <id>', 'only this device\'s registrations')
    .option('--data-dir <dir>', 'data directory of the running daemon')
    .action(async (options) => {
      exitCode = await (await import('./cli/pushTestCommand.js')).pushTestCommand(options);
    });

  program
    .command('hook')
    .description('forward an agent hook\'s JSON (stdin) to the daemon; sessions Tether starts run bin/tether-hook.mjs directly')
    .argument('[url]', 'the session\'s events URL (default $TETHER_HOOK_URL)')
    .argument('[payload]', 'the payload as an argument (Codex notify) instead of stdin')
    .allowExcessArguments(true)
    .action(async () => {
      // The forwarder reads process.argv after the subcommand itself and always exits 0.
      process.argv.splice(2, 1);
      await import(new URL('../../bin/tether-hook.mjs', import.meta.url).href);
      await new Promise(() => undefined);
    });

  await program.parseAsync(argv);
  return exitCode;
}
