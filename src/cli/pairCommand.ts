/**
 * `tether pair [--scope phone|full]`: asks the running daemon for a one-time pairing code and
 * prints a QR code (ANSI-coloured blocks from the `qrcode` package, which scan on dark and
 * light terminals) plus the URL it encodes; `--json` prints only `{url, code, expires_at}`.
 * The code's grant is what the paired device may do: `phone` (default) views, answers, types
 * and starts the configured CLIs; `full` also starts any command and types into `tether run`.
 */
import QRCode from 'qrcode';
import { TetherError } from '../common/index.js';
import { readDaemonFile, resolveDataDir } from '../daemonFile.js';

/** A pairing code as the daemon hands it out. */
export interface PairingCodeReply {
  readonly url: string;
  readonly code: string;
  readonly expires_at: string;
  readonly scope?: string;
}

/**
 * Requests a pairing code from the daemon in `dataDir`.
 * @throws TetherError DAEMON_NOT_RUNNING | UNAUTHORIZED
 */
export async function requestPairingCode(dataDir: string, scope: 'phone' | 'full' = 'phone'): Promise<PairingCodeReply> {
  const daemon = readDaemonFile(dataDir);
  let response: Response;
  try {
    response = await fetch(`${daemon.url}/api/admin/pairing-code`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.admin_secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope }),
    });
  } catch (err) {
    throw new TetherError('DAEMON_NOT_RUNNING', `daemon at ${daemon.url} is not answering`, { cause: err });
  }
  if (!response.ok) throw new TetherError('UNAUTHORIZED', `daemon refused the pairing request (HTTP ${response.status})`);
  return (await response.json()) as PairingCodeReply;
}

/** Renders a QR code for `url` for a terminal (ANSI colours, quiet zone included). */
export async function renderQr(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}

/** Runs `tether pair`. */
export async function pairCommand(options: { dataDir?: string; json?: boolean; scope?: string }): Promise<number> {
  const scope = options.scope ?? 'phone';
  if (scope !== 'phone' && scope !== 'full') throw new TetherError('BAD_MESSAGE', '--scope is phone or full');
  const reply = await requestPairingCode(resolveDataDir(options.dataDir), scope);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ url: reply.url, code: reply.code, expires_at: reply.expires_at })}\n`);
    return 0;
  }
  process.stdout.write(`${await renderQr(reply.url)}\n`);
  process.stdout.write(`Scan with your phone, or open: ${reply.url}\n`);
  process.stdout.write(`Code ${reply.code}, valid until ${new Date(reply.expires_at).toLocaleTimeString()}\n`);
  if (scope === 'full') process.stdout.write('Scope full: this device may start any command and type into "tether run" sessions.\n');
  return 0;
}
