/**
 * `tether open`: mints a login link for the desktop dashboard from the running daemon (a code
 * with the dashboard's grant, single use, valid 60 s) and opens it in the default browser
 * through an owner-only launcher page in the data dir, so the code is in no process's argv and
 * in no log. `--print` prints the link instead (for another browser on this machine).
 */
import { readDaemonFile, resolveDataDir } from '../daemonFile.js';
import { loginPageUrl, openInBrowser, requestLoginLink, writeLoginPage } from '../loginLink.js';

/** Runs `tether open`; `open` launches the browser on a URL (tests capture it). @throws TetherError DAEMON_NOT_RUNNING | STORE_WRITE_FAILED */
export async function openCommand(options: { dataDir?: string; print?: boolean }, open: (url: string) => void = openInBrowser): Promise<number> {
  const dataDir = resolveDataDir(options.dataDir);
  const link = await requestLoginLink(readDaemonFile(dataDir));
  if (options.print) {
    process.stdout.write(`${link.url}\n(single use, valid until ${new Date(link.expires_at).toLocaleTimeString()})\n`);
    return 0;
  }
  const page = writeLoginPage(dataDir, link);
  open(loginPageUrl(page));
  process.stdout.write(`Opening the dashboard in your browser (the login link works once, for 60 s).\nNo browser? Run "tether open --print" and open the link yourself.\n`);
  return 0;
}
