/**
 * Links in terminal output (OSC 8 hyperlinks, which any program in a session can write) open
 * only as web pages: http and https, in a new tab without opener or referrer. A `file:`,
 * `javascript:` or app-scheme link is ignored. Pure, so tests run it without a browser.
 */

/** Schemes a terminal link may open. */
const WEB_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:']);

/** True for an http(s) URL. @throws never */
export function isWebLink(url: string): boolean {
  try {
    return WEB_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** The xterm.js `linkHandler` option: non-web links never reach `open`, and xterm drops them too. */
export function terminalLinkHandler(open: (url: string) => void): { allowNonHttpProtocols: false; activate(event: unknown, text: string): void } {
  return {
    allowNonHttpProtocols: false,
    activate: (_event, text) => {
      if (isWebLink(text)) open(text);
    },
  };
}
