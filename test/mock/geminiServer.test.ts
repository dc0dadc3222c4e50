import { afterEach, describe, expect, it } from 'vitest';
import { fillSchema, geminiState, startMockGemini } from './geminiServer.js';
import type { MockGemini } from './geminiServer.js';
import { shellScenario } from './geminiScenarios.js';

let mock: MockGemini | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const TOOLS = [{ functionDeclarations: [{ name: 'run_shell_command' }, { name: 'write_file' }] }];

async function sse(url: string, body: unknown): Promise<any[]> {
  const reply = await fetch(`${url}/v1beta/models/gemini-test:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(reply.headers.get('content-type')).toContain('text/event-stream');
  const text = await reply.text();
  return text
    .split(/\r?\n\r?\n/)
    .filter((event) => event.startsWith('data: '))
    .map((event) => JSON.parse(event.slice(6)));
}

describe('mock Gemini API', () => {
  it('fills a routing schema, preferring "user" and "flash" enum values', async () => {
    mock = await startMockGemini();
    const reply = await fetch(`${mock.url}/v1beta/models/gemini-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'route me' }] }],
        generationConfig: {
          responseJsonSchema: { type: 'object', properties: { reasoning: { type: 'string' }, model_choice: { type: 'string', enum: ['pro', 'flash'] } } },
        },
      }),
    });
    const json = (await reply.json()) as any;
    expect(JSON.parse(json.candidates[0].content.parts[0].text)).toEqual({ reasoning: 'Mock reasoning.', model_choice: 'flash' });
    expect(json.usageMetadata.totalTokenCount).toBeGreaterThan(0);
    expect(fillSchema({ type: 'string', enum: ['model', 'user'] })).toBe('user');
  });

  it('streams a function call on the first main turn, then text, and records the functionResponse', async () => {
    mock = await startMockGemini({ script: shellScenario('touch x', 'make x') });
    const first = await sse(mock.url, { contents: [{ role: 'user', parts: [{ text: 'go' }] }], tools: TOOLS });
    expect(first.at(-1).candidates[0].content.parts[0].functionCall).toEqual({ name: 'run_shell_command', args: { command: 'touch x', description: 'make x' } });
    expect(first.at(-1).candidates[0].finishReason).toBe('STOP');
    const contents = [
      { role: 'user', parts: [{ text: 'go' }] },
      { role: 'model', parts: [first.at(-1).candidates[0].content.parts[0]] },
      { role: 'user', parts: [{ functionResponse: { name: 'run_shell_command', response: { output: 'ok' } } }] },
    ];
    const second = await sse(mock.url, { contents, tools: TOOLS });
    expect(second.map((event) => event.candidates[0].content.parts[0].text).join('')).toBe('Done.');
    expect(mock.mainRequests()).toHaveLength(2);
    expect(mock.functionResults()).toEqual([{ name: 'run_shell_command', response: { output: 'ok' } }]);
    expect(geminiState({ contents }).modelTurns).toBe(1);
  });

  it('answers side streams and unknown routes', async () => {
    mock = await startMockGemini();
    const side = await sse(mock.url, { contents: [{ role: 'user', parts: [{ text: 'title' }] }] });
    expect(side[0].candidates[0].content.parts[0].text).toBe('Mock session');
    expect((await fetch(`${mock.url}/nope`)).status).toBe(404);
    expect(mock.requests.some((r) => r.main)).toBe(false);
  });

  it('streams a thought part first when the reply has one', async () => {
    mock = await startMockGemini({ script: () => ({ thought: 'Check the notes first.', text: 'Ok.' }) });
    const events = await sse(mock.url, { contents: [{ role: 'user', parts: [{ text: 'go' }] }], tools: TOOLS });
    expect(events[0].candidates[0].content.parts[0]).toEqual({ text: 'Check the notes first.', thought: true });
    expect(events[0].candidates[0].finishReason).toBeUndefined();
    expect(events.slice(1).map((event) => event.candidates[0].content.parts[0].text).join('')).toBe('Ok.');
  });
});
