/**
 * Small HTTP helpers shared by the mock model servers (Anthropic, OpenAI chat and responses,
 * Gemini): JSON replies, whole request bodies, streamed text chunks and mock ids.
 */
import type http from 'node:http';

/** Characters per streamed text delta the mocks send. */
export const TEXT_CHUNK = 24;

/** Sends `value` as a JSON body with its length (bytes). */
export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The whole request body as UTF-8. @throws the request's stream error */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Splits text into TEXT_CHUNK-character deltas.
 * @param keepEmpty when true an empty text still yields one empty delta (APIs that always send one)
 */
export function chunkText(text: string, keepEmpty = false): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += TEXT_CHUNK) chunks.push(text.slice(i, i + TEXT_CHUNK));
  return chunks.length > 0 || !keepEmpty ? chunks : [''];
}

/** A mock id maker: `prefix_mock00000001`, counting per maker. */
export function idMaker(): (prefix: string) => string {
  let counter = 0;
  return (prefix) => {
    counter += 1;
    return `${prefix}_mock${String(counter).padStart(8, '0')}`;
  };
}
