/**
 * One-time login links for the desktop dashboard (`tether open`, the Electron windows): a login
 * code (the dashboard's grant, single use, valid 60 s) in the URL fragment of the loopback
 * `/desktop` page, which redeems it with `POST /api/pair`. The code never appears in a
 * process's argv or in a log: the Electron app loads the link in-process, and `tether open`
 * writes it into an owner-only launcher page in the data dir and opens that file, so the
 * browser's command line holds only the file's path.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOGIN_CODE_TTL_MS, type PairingService } from './store/pairing.js';
import { PRIVATE_DIR_MODE, writeFileAtomicSync } from './store/atomicFile.js';

/** The folder in the data dir that holds launcher pages (0700; each page 0600). */
export const LOGIN_PAGE_DIR = 'login';

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

/** In-process minting (the Electron app holds the daemon): a fresh login code from the pairing service. @throws never */
export function mintLoginLink(pairing: PairingService, localUrl: string): LoginLink {
  const { code, expiresAt } = pairing.issue({ scope: 'desktop', ttlMs: LOGIN_CODE_TTL_MS });
  return { url: loginUrl(localUrl, code), code, expires_at: new Date(expiresAt).toISOString() };
}

/**
 * Out-of-process minting (`tether open`): asks the running daemon for a login code with the
 * admin secret from its `daemon.json` and turns it into a dashboard link.
 * @throws Error when the daemon does not answer or refuses
 */
export async function requestLoginLink(daemon: { readonly url: string; readonly admin_secret: string }): Promise<LoginLink> {
  const response = await fetch(`${daemon.url}/api/admin/login-code`, {
    method: 'POST',
    headers: { authorization: `Bearer ${daemon.admin_secret}` },
  });
  if (!response.ok) throw new Error(`daemon refused the login link (HTTP ${response.status})`);
  const body = (await response.json()) as { code: string; expires_at: string };
  return { url: loginUrl(daemon.url, body.code), code: body.code, expires_at: body.expires_at };
}

/** `text` safe inside an HTML attribute or element. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * Writes a launcher page for `link` (it forwards the browser to the link at once) into
 * `<dataDir>/login/` and returns its path. Pages older than a login code's lifetime are
 * removed first: their codes are dead.
 * @throws TetherError STORE_WRITE_FAILED when the page cannot be written
 */
export function writeLoginPage(dataDir: string, link: LoginLink, now = Date.now()): string {
  const folder = join(dataDir, LOGIN_PAGE_DIR);
  mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    try {
      if (now - statSync(path).mtimeMs > LOGIN_CODE_TTL_MS) rmSync(path, { force: true });
    } catch {
      // another `tether open` removed it
    }
  }
  const path = join(folder, `open-${randomBytes(8).toString('hex')}.html`);
  const url = escapeHtml(link.url);
  writeFileAtomicSync(
    path,
    `<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n<meta http-equiv="refresh" content="0;url=${url}">\n<title>Tether</title>\n<p>Opening the Tether dashboard… <a href="${url}">Continue</a></p>\n`,
  );
  return path;
}

/** The `file://` URL of a launcher page. */
export function loginPageUrl(path: string): string {
  return pathToFileURL(path).href;
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
    // no opener: the caller says how to get the link instead
  }
}
