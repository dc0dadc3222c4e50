/**
 * A stand-in daemon for host tests, run as its own process so it can be killed with SIGKILL:
 * `node hostDaemonStub.js <dataDir> <hostMain.js> <command> [args...]` starts a host for the
 * command, prints `id <session id>` and then every byte of output it receives, raw, on stdout.
 */
import { randomUUID } from 'node:crypto';
import { HostLauncher } from '../../src/host/hostLauncher.js';

async function main(): Promise<void> {
  const [dataDir, hostMain, command, ...args] = process.argv.slice(2);
  const launcher = new HostLauncher({ dataDir, command: [process.execPath, hostMain] });
  const id = randomUUID();
  const session = { id, name: 'stub', command, file: command, args, cwd: process.cwd(), cols: 80, rows: 24, cli: 'generic', created_at: new Date().toISOString() };
  const client = await launcher.spawn(session, { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color' });
  process.stdout.write(`id ${id}\n`);
  client.onData((data) => process.stdout.write(data));
  client.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`stub: ${String(err)}\n`);
  process.exit(1);
});
