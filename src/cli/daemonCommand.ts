/**
 * `tether daemon`: the headless daemon in the foreground. Prints its URL and a pairing QR
 * code, and stops cleanly on SIGINT/SIGTERM: agents keep running in their session hosts for the
 * next daemon, unless `--stop-sessions` asks to end them.
 */
import { startDaemon } from '../daemon.js';
import { resolveDataDir } from '../daemonFile.js';
import { loadConfig } from '../store/config.js';
import { renderQr } from './pairCommand.js';
import { createLogger } from '../log.js';

/** Runs `tether daemon`; resolves when the daemon stops. */
export async function daemonCommand(options: { host?: string; port?: number; dataDir?: string; config?: string; qr?: boolean; stopSessions?: boolean }): Promise<number> {
  const config = loadConfig(options.config);
  const dataDir = resolveDataDir(options.dataDir);
  const daemon = await startDaemon({ config, ...(options.config !== undefined ? { configFile: options.config } : {}), dataDir, host: options.host, port: options.port, log: createLogger() });
  process.stdout.write(`Tether ${daemon.url} (data dir ${dataDir})\n`);
  if (options.qr !== false) {
    const code = daemon.pairing.issue();
    const url = `${daemon.transport.advertisedOrigin}/pair#code=${code.code}`;
    process.stdout.write(`${await renderQr(url)}\nPair a phone: scan the code or open ${url}\n(code ${code.code}, valid 5 minutes; "tether pair" makes a new one)\n`);
  }
  if (daemon.host === '127.0.0.1' || daemon.host === 'localhost') {
    process.stdout.write('Listening on loopback only; start with --host 0.0.0.0 to let a phone on your LAN connect.\n');
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Hosted agents outlive the daemon unless asked otherwise; the next daemon re-attaches them.
  await daemon.stop({ stopSessions: options.stopSessions === true });
  return 0;
}
