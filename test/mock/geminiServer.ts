/**
 * A mock Gemini API (generativelanguage v1beta) on 127.0.0.1 that Gemini CLI talks to via
 * GOOGLE_GEMINI_BASE_URL. JSON-schema side calls (routing, next-speaker) get the schema filled;
 * the main conversation (a streamed request that declares tools) follows a script and
 * streams SSE with text and functionCall parts. Every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson, readBody, sleep, chunkText } from './mockHttp.js';

/** A functionResponse part the CLI sent back. */
export interface FunctionResult {
  readonly name: string;
  /** The response object as sent (`{output: …}` or `{error: …}`). */
  readonly response: any;
}

/** What a script sees of the main conversation. */
export interface GeminiState {
  /** Model turns so far: 0 on the first main request. */
  readonly modelTurns: number;
  readonly functionResults: readonly FunctionResult[];
  readonly lastFunctionResult: FunctionResult | undefined;
  /** The last text part the user sent, '' when none. */
  readonly lastUserText: string;
  readonly body: any;
}

/** The next model message: text, a function call, or both. */
export interface GeminiReply {
  /** A thought summary streamed first (a part with `thought: true`). */
  readonly thought?: string;
  readonly text?: string;
  readonly functionCall?: { readonly name: string; readonly args: Record<string, unknown> };
  /** Wait this long before the first chunk. */
  readonly delayMs?: number;
  /** Stream the text as these chunks. */
  readonly chunks?: readonly string[];
  /** Wait this long between chunks. */
  readonly chunkDelayMs?: number;
}

/** Maps the main conversation state to the next reply. */
export type GeminiScript = (state: GeminiState) => GeminiReply;

/** One request the mock received. */
export interface GeminiRequest {
  readonly method: string;
  readonly path: string;
  readonly body: any;
  /** True for the scripted main conversation. */
  readonly main: boolean;
  readonly atMs: number;
}

/** A running mock. */
export interface MockGemini {
  /** Base URL for GOOGLE_GEMINI_BASE_URL. */
  readonly url: string;
  readonly port: number;
  readonly requests: GeminiRequest[];
  /** The main-conversation requests only. */
  mainRequests(): GeminiRequest[];
  /** Every functionResponse in the last main request. */
  functionResults(): FunctionResult[];
  close(): Promise<void>;
}

/** Options for {@link startMockGemini}. */
export interface MockGeminiOptions {
  readonly script?: GeminiScript;
  readonly port?: number;
  readonly onRequest?: (request: GeminiRequest) => void;
}

/** True when the request is the main agent conversation: it declares tools (plan mode offers only read-only ones). */
export function isMainGeminiRequest(body: any): boolean {
  const tools: any[] = Array.isArray(body?.tools) ? body.tools : [];
  return tools.some((tool) => (tool?.functionDeclarations ?? []).length > 0);
}

/** Reads a request body into the state scripts see. */
export function geminiState(body: any): GeminiState {
  const contents: any[] = Array.isArray(body?.contents) ? body.contents : [];
  const functionResults: FunctionResult[] = [];
  let lastUserText = '';
  for (const content of contents) {
    for (const part of content?.parts ?? []) {
      if (part?.functionResponse) functionResults.push({ name: part.functionResponse.name, response: part.functionResponse.response });
      else if (content.role === 'user' && typeof part?.text === 'string' && !part.text.trimStart().startsWith('<')) lastUserText = part.text;
    }
  }
  return {
    modelTurns: contents.filter((content) => content?.role === 'model').length,
    functionResults,
    lastFunctionResult: functionResults.at(-1),
    lastUserText,
    body,
  };
}

/** A value that satisfies a (Gemini-style, OpenAPI subset) JSON schema. */
export function fillSchema(schema: any, key = ''): unknown {
  const type = String(schema?.type ?? 'object').toLowerCase();
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) {
    // The next-speaker check must hand the turn back to the user.
    if (schema.enum.includes('user')) return 'user';
    if (schema.enum.includes('flash')) return 'flash';
    return schema.enum[0];
  }
  if (type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(schema?.properties ?? {})) out[name] = fillSchema(sub, name);
    return out;
  }
  if (type === 'array') return [];
  if (type === 'boolean') return false;
  if (type === 'number' || type === 'integer') return 0;
  return key === 'reasoning' ? 'Mock reasoning.' : 'mock';
}

function usage(body: any, output: number): Record<string, number> {
  const prompt = Math.max(1, Math.round(JSON.stringify(body ?? {}).length / 4));
  return { promptTokenCount: prompt, candidatesTokenCount: output, totalTokenCount: prompt + output };
}

function candidate(parts: any[], finish: boolean): any {
  return { content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: 'STOP' } : {}) };
}

async function streamReply(res: http.ServerResponse, body: any, model: string, reply: GeminiReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\r\n\r\n`);
  if (reply.delayMs) await sleep(reply.delayMs);
  if (reply.thought) send({ candidates: [candidate([{ text: reply.thought, thought: true }], false)], usageMetadata: usage(body, 1), modelVersion: model });
  const chunks = reply.chunks ?? (reply.text ? chunkText(reply.text) : []);
  let output = 0;
  for (const [index, chunk] of chunks.entries()) {
    if (res.destroyed) return;
    output += Math.max(1, Math.round(chunk.length / 4));
    const last = index === chunks.length - 1 && !reply.functionCall;
    send({ candidates: [candidate([{ text: chunk }], last)], usageMetadata: usage(body, output), modelVersion: model });
    if (reply.chunkDelayMs && !last) await sleep(reply.chunkDelayMs);
  }
  if (reply.functionCall || chunks.length === 0) {
    const parts = reply.functionCall ? [{ functionCall: reply.functionCall }] : [{ text: '' }];
    send({ candidates: [candidate(parts, true)], usageMetadata: usage(body, output + 10), modelVersion: model });
  }
  res.end();
}

/**
 * Starts the mock on 127.0.0.1.
 * @throws Error when the port cannot be bound.
 */
export async function startMockGemini(options: MockGeminiOptions = {}): Promise<MockGemini> {
  const script: GeminiScript = options.script ?? (() => ({ text: 'Done.' }));
  const requests: GeminiRequest[] = [];
  const started = Date.now();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const pathname = path.split('?')[0];
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      sendJson(res, 400, { error: { code: 400, message: 'body is not JSON', status: 'INVALID_ARGUMENT' } });
      return;
    }
    const action = /\/models\/([^/:]+):(\w+)$/.exec(pathname);
    const main = req.method === 'POST' && action?.[2] === 'streamGenerateContent' && isMainGeminiRequest(body);
    const record: GeminiRequest = { method: req.method ?? 'GET', path, body, main, atMs: Date.now() - started };
    requests.push(record);
    options.onRequest?.(record);
    const model = action?.[1] ?? 'gemini-2.5-pro';

    if (req.method === 'GET' && /\/models\/?$/.test(pathname)) {
      sendJson(res, 200, { models: [{ name: `models/${model}`, supportedGenerationMethods: ['generateContent'] }] });
      return;
    }
    if (!action || req.method !== 'POST') {
      sendJson(res, 404, { error: { code: 404, message: `no route for ${req.method} ${pathname}`, status: 'NOT_FOUND' } });
      return;
    }
    switch (action[2]) {
      case 'countTokens':
        sendJson(res, 200, { totalTokens: usage(body, 0).promptTokenCount });
        return;
      case 'embedContent':
        sendJson(res, 200, { embedding: { values: [0, 0, 0] } });
        return;
      case 'generateContent': {
        const schema = body?.generationConfig?.responseJsonSchema ?? body?.generationConfig?.responseSchema;
        const text = schema ? JSON.stringify(fillSchema(schema)) : 'Mock session';
        sendJson(res, 200, { candidates: [candidate([{ text }], true)], usageMetadata: usage(body, 10), modelVersion: model });
        return;
      }
      case 'streamGenerateContent': {
        const reply = main ? script(geminiState(body)) : { text: 'Mock session' };
        await streamReply(res, body, model, reply);
        return;
      }
      default:
        sendJson(res, 404, { error: { code: 404, message: `no route for ${action[2]}`, status: 'NOT_FOUND' } });
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: String(err), status: 'INTERNAL' } });
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
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    mainRequests,
    functionResults: () => (mainRequests().at(-1) ? geminiState(mainRequests().at(-1)!.body).functionResults.slice() : []),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
