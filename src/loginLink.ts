/**
 * One-time login links for the desktop dashboard (`tether open`, the Electron windows): a
 * pairing code in the URL fragment of the loopback `/desktop` page. The page redeems it with
 * `POST /api/pair` as platform "desktop" (unless it already holds a working token), so the
 * code never reaches a server log and the dashboard authenticates like every other client.
 */
import { spawn } from 'node:child_process';
import type { PairingService } from './store/pairing.js';

/** A minted link. */
export interface LoginLink {
  readonly url: string;
  readonly code: string;
  readonly expires_at: string;
}

/** The dashboard URL for `code` on the daemon at `localUrl` (e.g. `http://127.0.0.1:7878`). */
export function loginUrl(localUrl: string, code: string, view: 'desktop' | 'pair' = 'desktop'): string {
  return `${localUrl.replace(/\/+$/, '')}/${view}#code=${encodeURIComponent(code)}`;
}

/** In-process minting (the Electron app holds the daemon): a fresh code from the pairing service. @throws never */
export function mintLoginLink(pairing: PairingService, localUrl: string): LoginLink {
  const { code, expiresAt } = pairing.issue();
  return { url: loginUrl(localUrl, code), code, expires_at: new Date(expiresAt).toISOString() };
}

/**
 * Out-of-process minting (`tether open`): asks the running daemon for a code with the admin
 * secret from its `daemon.json` and turns it into a dashboard link.
 * @throws Error when the daemon does not answer or refuses
 */
export async function requestLoginLink(daemon: { readonly url: string; readonly admin_secret: string }): Promise<LoginLink> {
  const response = await fetch(`${daemon.url}/api/admin/pairing-code`, {
    method: 'POST',
    headers: { authorization: `Bearer ${daemon.admin_secret}` },
  });
  if (!response.ok) throw new Error(`daemon refused the login link (HTTP ${response.status})`);
  const body = (await response.json()) as { code: string; expires_at: string };
  return { url: loginUrl(daemon.url, body.code), code: body.code, expires_at: body.expires_at };
}

/** Opens `url` in the default browser (open / start / xdg-open), detached. @throws never */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: the caller prints the URL anyway
  }
}
