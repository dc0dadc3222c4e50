/**
 * A mock Anthropic Messages API on 127.0.0.1 that Claude Code talks to via ANTHROPIC_BASE_URL.
 * Side requests (title, summaries: no Bash tool) get short text; the main conversation (the
 * request whose `tools` include Bash) follows a script. Every request is recorded so tests can
 * read what the CLI sent back (tool_result content, is_error).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { conversationState, type ConversationState, type MockReply, type MockScript } from './scenarios.js';
import { sendJson, readBody, sleep, chunkText, idMaker } from './mockHttp.js';

const nextId = idMaker();

export type { ConversationState, MockReply, MockScript } from './scenarios.js';

/** One request the mock received. */
export interface RecordedRequest {
  readonly method: string;
  /** Path with query string, e.g. `/v1/messages?beta=true`. */
  readonly path: string;
  /** Parsed JSON body, or undefined when there was none. */
  readonly body: any;
  /** True when this was the scripted main conversation request. */
  readonly main: boolean;
  /** Milliseconds since the server started. */
  readonly atMs: number;
}

/** A running mock server. */
export interface MockAnthropic {
  /** Base URL for ANTHROPIC_BASE_URL, e.g. `http://127.0.0.1:43210`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The main-conversation requests only. */
  mainRequests(): RecordedRequest[];
  /** Stops listening and drops open streams. */
  close(): Promise<void>;
}

/** Options for {@link startMockAnthropic}. */
export interface MockAnthropicOptions {
  /** Maps the main conversation state to the next reply; defaults to "Done." every turn. */
  readonly script?: MockScript;
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Text for side requests (title generation and the like). */
  readonly sideText?: string;
  /** Called for every request (e.g. to log it). */
  readonly onRequest?: (request: RecordedRequest) => void;
}

/** Model name echoed in responses when the request names none. */
const DEFAULT_MODEL = 'claude-sonnet-4-5';
/** Signature of mock thinking blocks (the CLI sends it back verbatim; the mock never checks it). */
const MOCK_SIGNATURE = 'mock-thinking-signature';
/** Size of text deltas, so streams look like a real model's (several deltas per block). */

/** True when the request is the main agent conversation (its tools include Bash). */
export function isMainRequest(body: any): boolean {
  return Array.isArray(body?.tools) && body.tools.some((tool: any) => tool?.name === 'Bash');
}

function estimateTokens(body: any): number {
  return Math.max(1, Math.round(JSON.stringify(body ?? {}).length / 4));
}

/** The content blocks of a reply, as a non-streamed message would hold them. */
function replyContent(reply: MockReply): any[] {
  const content: any[] = [];
  if (reply.thinking) content.push({ type: 'thinking', thinking: reply.thinking, signature: MOCK_SIGNATURE });
  if (reply.text !== undefined && reply.text !== '') content.push({ type: 'text', text: reply.text });
  if (reply.toolUse) {
    content.push({ type: 'tool_use', id: nextId('toolu'), name: reply.toolUse.name, input: reply.toolUse.input });
  }
  if (content.length === 0) content.push({ type: 'text', text: '' });
  return content;
}

function usage(inputTokens: number, outputTokens: number): Record<string, number> {
  return { input_tokens: inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

/** Writes one SSE event (`event:` + `data:` lines + blank line). */
function sse(res: http.ServerResponse, type: string, data: unknown): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

async function streamReply(res: http.ServerResponse, body: any, reply: MockReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const inputTokens = estimateTokens(body);
  const content = replyContent(reply);
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id: nextId('msg'),
      type: 'message',
      role: 'assistant',
      model: body?.model ?? DEFAULT_MODEL,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(inputTokens, 1),
    },
  });
  sse(res, 'ping', { type: 'ping' });
  if (reply.delayMs) await sleep(reply.delayMs);
  let outputTokens = 0;
  for (const [index, block] of content.entries()) {
    if (res.destroyed) return;
    if (block.type === 'thinking') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const chunk of chunkText(block.thinking, true)) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: chunk } });
      }
      sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else if (block.type === 'text') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      const chunks = reply.chunks ?? chunkText(block.text, true);
      for (const chunk of chunks) {
        if (res.destroyed) return;
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: chunk } });
        outputTokens += Math.max(1, Math.round(chunk.length / 4));
        if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      }
    } else {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      const json = JSON.stringify(block.input);
      for (const part of chunkText(json, true)) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
      }
      outputTokens += Math.max(1, Math.round(json.length / 4));
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  }
  const checked = safeguardResults(body, reply, content);
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: reply.toolUse ? 'tool_use' : 'end_turn', stop_sequence: null, ...(checked ? { safeguard_results: checked } : {}) },
    usage: { output_tokens: outputTokens },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

/**
 * `safeguard_results` for the reply's tool call when the request asks for the auto-mode check
 * (`safeguards`) and the script gave a verdict; undefined otherwise.
 */
function safeguardResults(body: any, reply: MockReply, content: any[]): unknown[] | undefined {
  const verdict = reply.safeguard;
  const toolUse = content.find((block) => block.type === 'tool_use');
  if (!verdict || !toolUse || !Array.isArray(body?.safeguards)) return undefined;
  const result =
    'unavailable' in verdict
      ? { type: 'unavailable', reason: verdict.unavailable }
      : { type: 'evaluated', outcome: verdict.outcome, ...(verdict.explanation ? { explanation: verdict.explanation } : {}) };
  return [{ type: 'dangerous_tool_use', status: { type: 'available', tool_uses: { [toolUse.id]: result } } }];
}

function jsonReply(res: http.ServerResponse, body: any, reply: MockReply): void {
  const content = replyContent(reply);
  sendJson(res, 200, {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model: body?.model ?? DEFAULT_MODEL,
    content,
    stop_reason: reply.toolUse ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: usage(estimateTokens(body), 10),
  });
}

/**
 * Starts the mock server on 127.0.0.1.
 * @throws Error when the port cannot be bound.
 */
export async function startMockAnthropic(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  const script: MockScript = options.script ?? (() => ({ text: 'Done.' }));
  const requests: RecordedRequest[] = [];
  const started = Date.now();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const pathname = path.split('?')[0];
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'body is not JSON' } });
      return;
    }
    const main = req.method === 'POST' && pathname === '/v1/messages' && isMainRequest(body);
    const record: RecordedRequest = { method: req.method ?? 'GET', path, body, main, atMs: Date.now() - started };
    requests.push(record);
    options.onRequest?.(record);

    if ((req.method === 'HEAD' || req.method === 'GET') && pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'ok');
      return;
    }
    if (req.method === 'POST' && pathname === '/v1/messages/count_tokens') {
      sendJson(res, 200, { input_tokens: estimateTokens(body) });
      return;
    }
    if (req.method === 'POST' && pathname === '/v1/messages') {
      const reply: MockReply = main ? script(conversationState(body)) : { text: options.sideText ?? 'Mock session' };
      if (body?.stream) await streamReply(res, body, reply);
      else jsonReply(res, body, reply);
      return;
    }
    sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route for ${req.method} ${pathname}` } });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: String(err) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    mainRequests: () => requests.filter((request) => request.main),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
