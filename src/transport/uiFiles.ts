/**
 * The browser UI's files on the daemon's port: the build of `web/` (Vite, written to
 * `dist/web`) with a strict Content-Security-Policy, the single-page app's paths (`/`,
 * `/pair`, `/phone`, `/desktop`), the PWA manifest and service worker. The route table
 * (httpRoutes.ts) hands it every GET or HEAD no REST route takes. Files are served only from
 * a listing made at start-up, so no request path can reach outside the build directory.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestUrl } from './httpUtil.js';

/** Paths the single-page app answers with `index.html`. */
const APP_PATHS = new Set(['/', '/pair', '/phone', '/desktop']);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The browser UI's files, served from one build directory. */
export interface UiFiles {
  /** Answers a GET or HEAD for a UI file or app path; returns false (answering nothing) otherwise. @throws never */
  serve(request: IncomingMessage, response: ServerResponse): boolean;
}

/** The repository (or packaged app) root: the nearest directory above this file with a package.json. */
export function packageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return process.cwd();
    directory = parent;
  }
  return directory;
}

/** Where `node web/build.mjs` writes the browser UI: `<package root>/dist/web`. */
export function defaultUiRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

/**
 * The CSP every UI response carries: scripts, workers, fonts and the manifest only from this
 * origin, never inline; WebSockets only back to the daemon's own names (`socketSources`, from
 * the Host allowlist, never from the request). Styles allow inline because xterm.js writes its
 * theme into a `<style>` element; no script can be injected through that.
 */
export function contentSecurityPolicy(socketSources: readonly string[]): string {
  const sockets = socketSources.filter((source) => /^wss?:\/\/[A-Za-z0-9.\-:[\]]+$/.test(source)).map((source) => ` ${source}`).join('');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Lists every file under `root` as URL path → absolute path. @throws never */
function listFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (directory: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(directory);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(`/${relative(root, path).split(sep).join('/')}`, path);
    }
  };
  walk(root);
  return files;
}

function securityHeaders(socketSources: readonly string[]): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(socketSources),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * Serves the UI built into `root` (see {@link defaultUiRoot}). A missing build answers the
 * app paths with 503 and a hint to build it. `socketSources` lists the WebSocket origins
 * the CSP allows (the daemon's own names).
 * @throws never
 */
export function createUiFiles(root: string, options: { socketSources?: () => readonly string[] } = {}): UiFiles {
  let files = listFiles(root);
  let listedAt = Date.now();
  const lookup = (path: string): string | undefined => {
    // A rebuild while the daemon runs adds hashed asset names: list again, at most once a second.
    if (!files.has(path) && Date.now() - listedAt > 1000) {
      files = listFiles(root);
      listedAt = Date.now();
    }
    return files.get(path);
  };

  const serve = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    let path: string;
    try {
      path = decodeURIComponent(requestUrl(request).pathname);
    } catch {
      return false;
    }
    const file = APP_PATHS.has(path) ? lookup('/index.html') : lookup(path);
    if (file === undefined) {
      if (!APP_PATHS.has(path)) return false;
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders(options.socketSources?.() ?? []) });
      response.end('The web UI is not built. Run `node web/build.mjs` (or `npm run build:web`) and reload.\n');
      return true;
    }
    const body = readFileSync(file);
    const hashed = path.startsWith('/assets/');
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...securityHeaders(options.socketSources?.() ?? []),
    };
    if (path === '/sw.js') headers['service-worker-allowed'] = '/';
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
  return { serve };
}
