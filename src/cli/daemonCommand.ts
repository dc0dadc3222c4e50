/**
 * `tether daemon`: the headless daemon in the foreground. Prints its URL and, on a terminal, a
 * pairing QR code (never when stdout is a file or a service log: the code stays out of logs),
 * and stops cleanly on SIGINT/SIGTERM: agents keep running in their session hosts for the
 * next daemon, unless `--stop-sessions` asks to end them.
 */
import { startDaemon, type Daemon } from '../daemon.js';
import { resolveDataDir } from '../daemonFile.js';
import { loadConfig } from '../store/config.js';
import { renderQr } from './pairCommand.js';
import { createLogger } from '../log.js';
import { INSECURE_BIND_WARNING } from '../transport/index.js';

/** Runs `tether daemon`; resolves when the daemon stops. */
export async function daemonCommand(options: { host?: string; port?: number; dataDir?: string; config?: string; qr?: boolean; stopSessions?: boolean; insecureNoTls?: boolean }): Promise<number> {
  const config = loadConfig(options.config);
  const dataDir = resolveDataDir(options.dataDir);
  const daemon = await startDaemon({
    config,
    dataDir,
    host: options.host,
    port: options.port,
    log: createLogger(),
    insecureNoTls: options.insecureNoTls === true,
    ...(options.config !== undefined ? { configFile: options.config } : {}),
  });
  process.stdout.write(await startupText(daemon, dataDir, { qr: options.qr !== false, terminal: process.stdout.isTTY === true }));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Hosted agents outlive the daemon unless asked otherwise; the next daemon re-attaches them.
  await daemon.stop({ stopSessions: options.stopSessions === true });
  return 0;
}

/**
 * What `tether daemon` prints at start: the URL, a loud warning for a bind without TLS, and a
 * pairing QR code with its code only when stdout is a terminal (`terminal`): under a service
 * manager stdout is a log, and a pairing code does not belong in one.
 */
export async function startupText(daemon: Daemon, dataDir: string, options: { qr: boolean; terminal: boolean }): Promise<string> {
  const lines = [`Tether ${daemon.url} (data dir ${dataDir})\n`];
  if (daemon.url.startsWith('http:') && !isLoopbackHost(daemon.host)) lines.push(`WARNING: ${INSECURE_BIND_WARNING}\n`);
  if (options.qr && !options.terminal) {
    lines.push('Pair a phone with "tether pair" (no pairing code is printed where stdout is not a terminal).\n');
  } else if (options.qr) {
    const code = daemon.pairing.issue();
    const url = `${daemon.transport.advertisedOrigin}/pair#code=${code.code}`;
    lines.push(`${await renderQr(url)}\nPair a phone: scan the code or open ${url}\n(code ${code.code}, valid 5 minutes; "tether pair" makes a new one)\n`);
  }
  if (daemon.host === '127.0.0.1' || daemon.host === 'localhost') {
    lines.push('Listening on loopback only; to let a phone on your LAN connect, configure server.tls and start with --host 0.0.0.0.\n');
  }
  return lines.join('');
}

/** True for the bind addresses that only this machine reaches (the URL shows 127.0.0.1 even for a 0.0.0.0 bind). */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}
