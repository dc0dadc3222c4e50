#!/usr/bin/env node
// `tether hook`: the forwarder an agent CLI runs as a command hook. Reads the hook's JSON on
// stdin (or, for Codex's `notify`, from the last argument) and POSTs it to the session's events
// URL ($TETHER_HOOK_URL, or argv[2]) with the session's secret ($TETHER_HOOK_TOKEN) as a bearer
// token. It prints nothing and always exits 0 within HOOK_DEADLINE_MS: a hook only observes,
// and an away daemon (connection refused) ends it at once. Only node: imports, so it starts fast.
import http from 'node:http';
import https from 'node:https';

/** Longest the forwarder lives (ms): a hook must never hold the agent. */
const HOOK_DEADLINE_MS = 1000;
/** Largest payload read from stdin (bytes): the daemon takes 1 MiB; more is not sent. */
const MAX_PAYLOAD_BYTES = 1 << 20;

const done = () => process.exit(0);
setTimeout(done, HOOK_DEADLINE_MS).unref();
const argv = process.argv.slice(2);
const url = argv[0] ?? process.env.TETHER_HOOK_URL;
const token = process.env.TETHER_HOOK_TOKEN;

function post(body) {
  if (!url || !token || body.length === 0 || body.length > MAX_PAYLOAD_BYTES) return done();
  let target;
  try {
    target = new URL(url);
  } catch {
    return done();
  }
  const client = target.protocol === 'https:' ? https : http;
  const request = client.request(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': body.length },
    timeout: HOOK_DEADLINE_MS,
  });
  request.on('response', (response) => response.resume().on('end', done).on('error', done));
  request.on('error', done);
  request.on('timeout', done);
  request.end(body);
}

if (argv.length >= 2) post(Buffer.from(argv[argv.length - 1]));
else {
  const parts = [];
  let size = 0;
  process.stdin.on('data', (part) => {
    size += part.length;
    if (size <= MAX_PAYLOAD_BYTES) parts.push(part);
  });
  process.stdin.on('end', () => post(size > MAX_PAYLOAD_BYTES ? Buffer.alloc(0) : Buffer.concat(parts)));
  process.stdin.on('error', done);
}
