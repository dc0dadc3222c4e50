/**
 * The session host process: `node hostMain.js`, started detached (its own session and process
 * group) by the daemon, which writes a HostLaunch as JSON on stdin. It answers `ready <pid>` on
 * stdout once its socket listens, then serves daemons until the agent exits and is handed over.
 * A SIGTERM to the host ends the agent (SIGTERM, SIGKILL after the grace) and, with no daemon to
 * take the exit, writes the final record at once and exits; SIGHUP and SIGINT are
 * ignored, so neither a closing terminal nor a Ctrl-C aimed at the daemon reaches the agent.
 */
import { HostServer } from './hostServer.js';
import { hostLaunchSchema } from './hostProtocol.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  process.umask(0o077);
  const launch = hostLaunchSchema.parse(JSON.parse(await readStdin()));
  const host = new HostServer({
    session: launch.session,
    env: launch.env,
    dir: launch.dir,
    secret: launch.secret,
    orphanExitMs: launch.orphan_exit_ms,
    ...(launch.ring_bytes !== undefined ? { ringBytes: launch.ring_bytes } : {}),
  });
  host.onDidFinish(() => {
    host.dispose();
    process.exit(0);
  });
  for (const signal of ['SIGHUP', 'SIGINT', 'SIGPIPE'] as const) process.on(signal, () => {});
  process.on('SIGTERM', () => host.stop(launch.kill_grace_ms));
  await host.listen();
  process.stdout.write(`ready ${process.pid} ${host.agentPid}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`tether host: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
