/**
 * A mock OpenAI Responses API on 127.0.0.1 for Codex CLI (custom provider, `wire_api =
 * "responses"`). `POST /v1/responses` streams SSE (created, output items with text deltas or
 * function calls, completed with usage) from a script over the conversation state; `GET
 * /v1/models` and anything else get small sensible answers. Every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { responsesState, type ResponsesReply, type ResponsesScript } from './responsesScenarios.js';
import { sendJson, readBody, sleep, chunkText, idMaker } from './mockHttp.js';

const nextId = idMaker();

export type { ResponsesReply, ResponsesScript, ResponsesState } from './responsesScenarios.js';

/** One request the mock received. */
export interface RecordedResponsesRequest {
  readonly method: string;
  /** Path with query string. */
  readonly path: string;
  /** Parsed JSON body, or undefined. */
  readonly body: any;
  /** True for a scripted `POST /v1/responses` (the agent conversation, not the title request). */
  readonly main: boolean;
  /** Milliseconds since the server started. */
  readonly atMs: number;
}

/** A running mock server. */
export interface MockResponses {
  /** Base URL for the provider's `base_url`, e.g. `http://127.0.0.1:43210/v1`. */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedResponsesRequest[];
  /** The scripted conversation requests only. */
  mainRequests(): RecordedResponsesRequest[];
  /** Every `function_call_output` Codex sent back (last request wins), by call id. */
  toolOutputs(): Array<{ callId: string; output: string }>;
  close(): Promise<void>;
}

/** Options for {@link startMockResponses}. */
export interface MockResponsesOptions {
  /** Maps the conversation state to the next reply; defaults to "Done." every turn. */
  readonly script?: ResponsesScript;
  readonly port?: number;
  /** Called for every request. */
  readonly onRequest?: (request: RecordedResponsesRequest) => void;
}

/** Size of text deltas. */

function sse(res: http.ServerResponse, data: { type: string } & Record<string, unknown>): void {
  res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
}

function usage(body: any, outputTokens: number): Record<string, unknown> {
  const input = Math.max(1, Math.round(JSON.stringify(body ?? {}).length / 4));
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + outputTokens,
  };
}

async function streamReply(res: http.ServerResponse, body: any, reply: ResponsesReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const responseId = nextId('resp');
  const model = body?.model ?? 'mock-model';
  const base = { id: responseId, object: 'response', created_at: Math.floor(Date.now() / 1000), model };
  sse(res, { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
  if (reply.delayMs) await sleep(reply.delayMs);
  const output: any[] = [];
  let outputTokens = 0;
  if (reply.reasoning) {
    const index = output.length;
    const itemId = nextId('rs');
    const part = { type: 'summary_text', text: reply.reasoning };
    sse(res, { type: 'response.output_item.added', output_index: index, item: { type: 'reasoning', id: itemId, summary: [] } });
    sse(res, { type: 'response.reasoning_summary_part.added', item_id: itemId, output_index: index, summary_index: 0, part: { ...part, text: '' } });
    for (const chunk of chunkText(reply.reasoning, true)) {
      sse(res, { type: 'response.reasoning_summary_text.delta', item_id: itemId, output_index: index, summary_index: 0, delta: chunk });
    }
    sse(res, { type: 'response.reasoning_summary_text.done', item_id: itemId, output_index: index, summary_index: 0, text: reply.reasoning });
    sse(res, { type: 'response.reasoning_summary_part.done', item_id: itemId, output_index: index, summary_index: 0, part });
    const item = { type: 'reasoning', id: itemId, summary: [part] };
    sse(res, { type: 'response.output_item.done', output_index: index, item });
    output.push(item);
    outputTokens += Math.max(1, Math.round(reply.reasoning.length / 4));
  }
  if (reply.text !== undefined && reply.text !== '') {
    const index = output.length;
    const itemId = nextId('msg');
    sse(res, { type: 'response.output_item.added', output_index: index, item: { type: 'message', id: itemId, role: 'assistant', status: 'in_progress', content: [] } });
    sse(res, { type: 'response.content_part.added', item_id: itemId, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const chunk of reply.chunks ?? chunkText(reply.text, true)) {
      if (res.destroyed) return;
      sse(res, { type: 'response.output_text.delta', item_id: itemId, output_index: index, content_index: 0, delta: chunk });
      outputTokens += Math.max(1, Math.round(chunk.length / 4));
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    sse(res, { type: 'response.output_text.done', item_id: itemId, output_index: index, content_index: 0, text: reply.text });
    const item = { type: 'message', id: itemId, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] };
    sse(res, { type: 'response.output_item.done', output_index: index, item });
    output.push(item);
  }
  if (reply.customToolCall) {
    const index = output.length;
    const item = { type: 'custom_tool_call', id: nextId('ctc'), call_id: nextId('call'), name: reply.customToolCall.name, input: reply.customToolCall.input, status: 'completed' };
    sse(res, { type: 'response.output_item.added', output_index: index, item: { ...item, input: '', status: 'in_progress' } });
    sse(res, { type: 'response.custom_tool_call_input.delta', item_id: item.id, output_index: index, delta: item.input });
    sse(res, { type: 'response.custom_tool_call_input.done', item_id: item.id, output_index: index, input: item.input });
    sse(res, { type: 'response.output_item.done', output_index: index, item });
    output.push(item);
    outputTokens += Math.max(1, Math.round(item.input.length / 4));
  }
  if (reply.functionCall) {
    const index = output.length;
    const args = JSON.stringify(reply.functionCall.arguments);
    const item = { type: 'function_call', id: nextId('fc'), call_id: nextId('call'), name: reply.functionCall.name, arguments: args, status: 'completed' };
    sse(res, { type: 'response.output_item.added', output_index: index, item: { ...item, arguments: '', status: 'in_progress' } });
    sse(res, { type: 'response.function_call_arguments.delta', item_id: item.id, output_index: index, delta: args });
    sse(res, { type: 'response.function_call_arguments.done', item_id: item.id, output_index: index, arguments: args });
    sse(res, { type: 'response.output_item.done', output_index: index, item });
    output.push(item);
    outputTokens += Math.max(1, Math.round(args.length / 4));
  }
  sse(res, { type: 'response.completed', response: { ...base, status: 'completed', output, usage: usage(body, outputTokens) } });
  res.end();
}

/**
 * Starts the mock server on 127.0.0.1.
 * @throws Error when the port cannot be bound.
 */
export async function startMockResponses(options: MockResponsesOptions = {}): Promise<MockResponses> {
  const script: ResponsesScript = options.script ?? (() => ({ text: 'Done.' }));
  const requests: RecordedResponsesRequest[] = [];
  const started = Date.now();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const pathname = path.split('?')[0].replace(/\/+$/, '');
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = { raw: raw.slice(0, 2000) };
    }
    // The thread-title request asks for a JSON schema; every other response request is the agent's.
    const main = req.method === 'POST' && pathname === '/v1/responses' && body?.text?.format?.type !== 'json_schema';
    const record: RecordedResponsesRequest = { method: req.method ?? 'GET', path, body, main, atMs: Date.now() - started };
    requests.push(record);
    options.onRequest?.(record);

    if (req.method === 'POST' && pathname === '/v1/responses') {
      // Side requests: the thread title (a JSON schema with `title`), summaries and the like.
      const wantsJson = body?.text?.format?.type === 'json_schema';
      const reply: ResponsesReply = main ? script(responsesState(body)) : { text: wantsJson ? JSON.stringify({ title: 'Mock session' }) : 'Mock session' };
      await streamReply(res, body, reply);
      return;
    }
    if (req.method === 'GET' && pathname === '/v1/models') {
      sendJson(res, 200, { object: 'list', data: [{ id: 'mock-model', object: 'model', created: 0, owned_by: 'tether' }], models: [] });
      return;
    }
    sendJson(res, 404, { error: { type: 'not_found', message: `no route for ${req.method} ${pathname}` } });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { type: 'server_error', message: String(err) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const mainRequests = () => requests.filter((request) => request.main);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    mainRequests,
    toolOutputs: () => responsesState(mainRequests().at(-1)?.body).toolOutputs.slice(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
