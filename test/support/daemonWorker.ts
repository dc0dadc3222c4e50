/**
 * A daemon in its own process for tests that kill it with SIGKILL: `node daemonWorker.js
 * <dataDir> <hostMain.js> <config JSON> <session env JSON>` starts a hosted daemon and prints
 * `ready <url>`. SIGTERM stops it with `stopSessions` (the test's cleanup); SIGKILL is the crash.
 */
import { startDaemon } from '../../src/daemon.js';
import { configSchema } from '../../src/store/config.js';
import { silentLogger } from '../../src/log.js';

async function main(): Promise<void> {
  const [dataDir, hostMain, config, env] = process.argv.slice(2);
  const daemon = await startDaemon({
    config: configSchema.parse(JSON.parse(config)),
    dataDir,
    port: 0,
    log: silentLogger,
    hostCommand: [process.execPath, hostMain],
    sessionEnv: JSON.parse(env) as NodeJS.ProcessEnv,
  });
  process.stdout.write(`ready ${daemon.url}\n`);
  process.once('SIGTERM', () => {
    void daemon.stop({ stopSessions: true }).then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`daemon worker: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
