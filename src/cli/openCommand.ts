/**
 * `tether open`: mints a one-time login link for the desktop dashboard from the running
 * daemon and opens it in the default browser (`--print` only prints it).
 */
import { readDaemonFile, resolveDataDir } from '../daemonFile.js';
import { openInBrowser, requestLoginLink } from '../loginLink.js';

/** Runs `tether open`. @throws TetherError DAEMON_NOT_RUNNING */
export async function openCommand(options: { dataDir?: string; print?: boolean }): Promise<number> {
  const link = await requestLoginLink(readDaemonFile(resolveDataDir(options.dataDir)));
  process.stdout.write(`${link.url}\n`);
  if (!options.print) openInBrowser(link.url);
  return 0;
}
