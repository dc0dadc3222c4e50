#!/usr/bin/env node
// The study's Node forwarder: reads a hook's JSON from stdin (or, for Codex's legacy `notify`,
// from the last argument) and POSTs it to the URL in argv[2]. It prints nothing and always
// exits 0 within about a second, so it can never block or change the agent.
import http from 'node:http';

/** Give up on the sink after this long (ms): a hook must never hold the agent. */
const SINK_TIMEOUT_MS = 1000;
const [url, argPayload] = process.argv.slice(2);

function post(body) {
  const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: SINK_TIMEOUT_MS });
  request.on('response', (response) => response.resume().on('end', () => process.exit(0)));
  request.on('error', () => process.exit(0));
  request.on('timeout', () => process.exit(0));
  request.end(body);
}

if (argPayload !== undefined) post(argPayload);
else {
  const parts = [];
  process.stdin.on('data', (part) => parts.push(part));
  process.stdin.on('end', () => post(Buffer.concat(parts)));
  process.stdin.on('error', () => process.exit(0));
}
