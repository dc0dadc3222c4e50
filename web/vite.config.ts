/**
 * Vite config for the web UI (phone PWA and desktop dashboard). The root is `web/`, static
 * files (manifest, service worker, icons) come from `web/public`, and the build lands in
 * `dist/web`, which the daemon serves (src/transport/uiFiles.ts). No inline scripts: the CSP forbids them.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
