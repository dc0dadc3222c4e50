/**
 * The agent's own voice in a recording (`tether record --cli <type>`): injects the CLI's hooks
 * for the recorded run as a daemon would (prepareVoice), takes their HTTP posts on a private
 * loopback port (the per-run secret required), and follows the CLI's transcript, writing each
 * hook payload as an `h` event and each transcript line the CLI's reader uses as a `t` event, on
 * the cast's clock beside `o`/`i`/`r`. Replay reads them back through the same witnesses.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { CliType } from '../common/index.js';
import { getCli } from '../../parsers/index.js';
import type { CastWriter } from './asciicast.js';
import { prepareVoice, tokenMatches } from './sessionVoice.js';
import { findTranscript } from './transcriptSearch.js';
import { TranscriptTail } from './transcriptTail.js';

/** Largest hook body taken (bytes), like the daemon's events route. */
const MAX_HOOK_BYTES = 1 << 20;
/** How often a transcript the CLI names at start is looked for (ms). */
const SEARCH_POLL_MS = 500;

/** A recording's witnesses: the arguments and environment to start the CLI with, until disposed. */
export interface CastWitness {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Stops taking hooks and tailing; removes the run folder. */
  dispose(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_HOOK_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= MAX_HOOK_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined));
    request.on('error', () => resolve(undefined));
  });
}

/**
 * Starts recording `cli`'s hooks and transcript into `writer`.
 * @returns undefined when the CLI has no hook witness (the recording is screen-only)
 * @throws Error when the loopback port or run folder cannot be had
 */
export async function startCastWitness(options: {
  readonly cli: CliType;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** `tether hook` by absolute paths, for hook events the CLI runs only as commands. */
  readonly forwarder: readonly string[];
  readonly writer: CastWriter;
}): Promise<CastWitness | undefined> {
  const witnesses = getCli(options.cli).witnesses;
  if (!witnesses?.hooks) return undefined;
  let token = '';
  const server: Server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    void readBody(request).then((body) => {
      const authorized = tokenMatches(authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined, token);
      if (authorized && body !== undefined) {
        try {
          options.writer.hook(JSON.stringify(JSON.parse(body)));
        } catch {
          // not JSON: nothing to record
        }
      }
      // Hooks only observe: answer at once, never block the agent.
      response.writeHead(authorized ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const prepared = prepareVoice(witnesses, { id: randomUUID(), args: options.args, env: options.env }, { baseUrl: `http://127.0.0.1:${port}`, forwarder: options.forwarder });
  if (prepared === undefined) {
    server.close();
    return undefined;
  }
  token = prepared.token;
  let tail: TranscriptTail | undefined;
  let search: ReturnType<typeof setInterval> | undefined;
  const transcript = witnesses.transcript;
  const follow = (path: string) => {
    if (!transcript) return;
    tail = new TranscriptTail({
      path,
      startedAtMs: Date.now(),
      onLine: (line) => transcript.read(line).length > 0 && options.writer.transcript(JSON.stringify(line)),
      onSkip: () => undefined,
    });
  };
  const found = prepared.conversationId === undefined ? undefined : transcript?.locate({ home: options.env.HOME ?? '', cwd: options.cwd, conversationId: prepared.conversationId, env: prepared.agentEnv });
  if (typeof found === 'string') follow(found);
  else if (found !== undefined) {
    search = setInterval(() => void findTranscript(found).then((path) => path !== undefined && tail === undefined && (clearInterval(search), follow(path))), SEARCH_POLL_MS);
    search.unref();
  }
  return {
    args: prepared.args,
    env: prepared.env,
    async dispose() {
      clearInterval(search);
      await tail?.poll();
      tail?.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(prepared.runDir, { recursive: true, force: true });
    },
  };
}
