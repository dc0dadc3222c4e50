/**
 * A mock OpenAI Chat Completions API on 127.0.0.1 for OpenCode and Qwen Code (both speak
 * `POST /v1/chat/completions`). Requests that offer tools are the main conversation and follow
 * a script; side requests (titles, summaries, no tools) get short text. Streams are SSE
 * `chat.completion.chunk`s; every request is recorded so tests can read the tool results.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson, readBody, sleep, chunkText, idMaker } from './mockHttp.js';

const nextId = idMaker();

/** A tool message the CLI sent back (role `tool`). */
export interface ChatToolResult {
  readonly toolCallId: string;
  readonly content: string;
}

/** What a script sees of the main conversation. */
export interface ChatState {
  /**
   * Assistant messages since the last user message: 0 on the first request of a turn (Qwen,
   * like Gemini CLI, opens with a canned assistant reply to its context message).
   */
  readonly assistantTurns: number;
  readonly toolResults: readonly ChatToolResult[];
  readonly lastToolResult: ChatToolResult | undefined;
  /** The last user message's text. */
  readonly lastUserText: string;
  /** Names of the tools the request offers. */
  readonly toolNames: readonly string[];
  readonly body: any;
}

/** The next assistant message: text, tool calls, or both. */
export interface ChatReply {
  /** Reasoning streamed first as `delta.reasoning_content` (the field Qwen and DeepSeek-style servers use). */
  readonly reasoning?: string;
  readonly text?: string;
  readonly toolCalls?: ReadonlyArray<{ readonly name: string; readonly arguments: Record<string, unknown> }>;
  /** Wait this long before the first delta. */
  readonly delayMs?: number;
  /** Stream the text as these deltas instead of fixed-size chunks. */
  readonly chunks?: readonly string[];
  /** Wait this long between text deltas (keeps the CLI busy). */
  readonly chunkDelayMs?: number;
}

/** Maps the main conversation state to the next reply. */
export type ChatScript = (state: ChatState) => ChatReply;

/** One request the mock received. */
export interface ChatRequest {
  readonly method: string;
  readonly path: string;
  readonly body: any;
  /** True when the request offered tools (the scripted conversation). */
  readonly main: boolean;
  readonly atMs: number;
}

/** A running mock server. */
export interface MockOpenAiChat {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:43210/v1`. */
  readonly url: string;
  readonly port: number;
  readonly requests: ChatRequest[];
  mainRequests(): ChatRequest[];
  /** Every tool result the CLI sent back in main requests (last request's view). */
  toolResults(): readonly ChatToolResult[];
  close(): Promise<void>;
}

/** Options for {@link startMockOpenAiChat}. */
export interface MockOpenAiChatOptions {
  readonly script?: ChatScript;
  readonly port?: number;
  /** Text for side requests (title generation and the like). */
  readonly sideText?: string;
  readonly onRequest?: (request: ChatRequest) => void;
}

/** Model ids listed by `/v1/models`. */
export const MOCK_MODEL = 'mock-model';
/** Size of text deltas. */

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part: any) => part?.type === 'text')
    .map((part: any) => String(part.text))
    .join('\n');
}

/** Reads a request body into the state scripts see. */
export function chatState(body: any): ChatState {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const toolResults = messages
    .filter((message) => message.role === 'tool')
    .map((message) => ({ toolCallId: String(message.tool_call_id ?? ''), content: messageText(message.content) }));
  const users = messages.filter((message) => message.role === 'user');
  const lastUser = messages.lastIndexOf(users[users.length - 1]);
  return {
    assistantTurns: messages.slice(lastUser + 1).filter((message) => message.role === 'assistant').length,
    toolResults,
    lastToolResult: toolResults[toolResults.length - 1],
    lastUserText: users.length > 0 ? messageText(users[users.length - 1].content) : '',
    toolNames: (Array.isArray(body?.tools) ? body.tools : []).map((tool: any) => String(tool?.function?.name ?? tool?.name ?? '')),
    body,
  };
}

/** Plays `steps` one per assistant turn, then `finalReply` ("Done."). */
export function chatSteps(steps: ReadonlyArray<ChatReply | ((state: ChatState) => ChatReply)>, finalReply: ChatReply = { text: 'Done.' }): ChatScript {
  return (state) => {
    const step = steps[state.assistantTurns];
    if (step === undefined) return finalReply;
    return typeof step === 'function' ? step(state) : step;
  };
}

function usage(body: any): Record<string, number> {
  const prompt = Math.max(1, Math.round(JSON.stringify(body ?? {}).length / 4));
  return { prompt_tokens: prompt, completion_tokens: 10, total_tokens: prompt + 10 };
}

async function streamReply(res: http.ServerResponse, body: any, reply: ChatReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const id = nextId('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const model = body?.model ?? MOCK_MODEL;
  const send = (delta: object, finish: string | null, extra: object = {}): void => {
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
  };
  send({ role: 'assistant', content: '' }, null);
  if (reply.delayMs) await sleep(reply.delayMs);
  for (const chunk of chunkText(reply.reasoning ?? '')) send({ reasoning_content: chunk }, null);
  for (const chunk of reply.chunks ?? chunkText(reply.text ?? '')) {
    if (res.destroyed) return;
    send({ content: chunk }, null);
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
  }
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    const args = JSON.stringify(call.arguments);
    send({ tool_calls: [{ index, id: nextId('call'), type: 'function', function: { name: call.name, arguments: '' } }] }, null);
    for (const part of chunkText(args)) send({ tool_calls: [{ index, function: { arguments: part } }] }, null);
  }
  send({}, reply.toolCalls?.length ? 'tool_calls' : 'stop');
  send({}, null, { choices: [], usage: usage(body) });
  res.write('data: [DONE]\n\n');
  res.end();
}

function jsonReply(res: http.ServerResponse, body: any, reply: ChatReply): void {
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: nextId('call'),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  sendJson(res, 200, {
    id: nextId('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body?.model ?? MOCK_MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.text ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
      },
    ],
    usage: usage(body),
  });
}

/**
 * Starts the mock on 127.0.0.1 (routes with or without the `/v1` prefix).
 * @throws Error when the port cannot be bound.
 */
export async function startMockOpenAiChat(options: MockOpenAiChatOptions = {}): Promise<MockOpenAiChat> {
  const script: ChatScript = options.script ?? (() => ({ text: 'Done.' }));
  const requests: ChatRequest[] = [];
  const started = Date.now();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const pathname = path.split('?')[0].replace(/^\/v1(?=\/)/, '');
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      sendJson(res, 400, { error: { type: 'invalid_request_error', message: 'body is not JSON' } });
      return;
    }
    const main = req.method === 'POST' && pathname === '/chat/completions' && Array.isArray(body?.tools) && body.tools.length > 0;
    const record: ChatRequest = { method: req.method ?? 'GET', path, body, main, atMs: Date.now() - started };
    requests.push(record);
    options.onRequest?.(record);

    if (req.method === 'GET' && pathname === '/models') {
      sendJson(res, 200, { object: 'list', data: [{ id: MOCK_MODEL, object: 'model', created: 0, owned_by: 'tether' }] });
      return;
    }
    if (req.method === 'POST' && pathname === '/chat/completions') {
      const reply: ChatReply = main ? script(chatState(body)) : { text: options.sideText ?? 'Mock session' };
      if (body?.stream) await streamReply(res, body, reply);
      else jsonReply(res, body, reply);
      return;
    }
    sendJson(res, 404, { error: { type: 'not_found', message: `no route for ${req.method} ${pathname}` } });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { type: 'api_error', message: String(err) } });
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
    toolResults: () => {
      const last = mainRequests().at(-1);
      return last ? chatState(last.body).toolResults : [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
