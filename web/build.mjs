#!/usr/bin/env node
// Builds the web UI into dist/web with Vite's JS API (no npm script needed):
//   node web/build.mjs
// The daemon serves the result (src/transport/uiFiles.ts).
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

await build({ configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)) });
console.log('web UI built into dist/web');
