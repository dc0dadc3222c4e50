#!/usr/bin/env node
// The `tether` command: runs the compiled CLI (npm ci builds dist/ through the prepare script).
import { main } from '../dist/src/cli.js';

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`tether: ${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}\n`);
    process.exitCode = 1;
  },
);
