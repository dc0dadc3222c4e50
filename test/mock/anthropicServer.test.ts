/**
 * Tests for the mock Anthropic server: routes, SSE framing of text and tool_use streams read
 * with a plain fetch, non-stream JSON replies, side requests, and request recording.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockAnthropic } from './anthropicServer.js';
import { askScenario, bashScenario, busyScenario, conversationState, stepsScenario } from './scenarios.js';

const MAIN_TOOLS = [{ name: 'Bash', input_schema: { type: 'object' } }];

let mock: MockAnthropic | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

interface SseEvent {
  event: string;
  data: any;
}

/** Splits an SSE body into events, checking each is `event:` + `data:` + blank line. */
function parseSse(text: string): SseEvent[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .trim()
    .split('\n\n')
    .map((frame) => {
      const lines = frame.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^event: \w+$/);
      expect(lines[1]).toMatch(/^data: /);
      const event = { event: lines[0].slice(7), data: JSON.parse(lines[1].slice(6)) };
      expect(event.data.type).toBe(event.event);
      return event;
    });
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${mock!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('startMockAnthropic', () => {
  it('answers HEAD and GET /, count_tokens, and 404s the rest', async () => {
    mock = await startMockAnthropic();
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${mock.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${mock.url}/`)).status).toBe(200);
    const count = await post('/v1/messages/count_tokens', { messages: [{ role: 'user', content: 'hi' }] });
    expect((await count.json()).input_tokens).toBeGreaterThan(0);
    const missing = await fetch(`${mock.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).type).toBe('error');
    expect(mock.requests.map((request) => request.method)).toEqual(['HEAD', 'GET', 'POST', 'GET']);
  });

  it('streams a tool_use then text, following the script', async () => {
    mock = await startMockAnthropic({ script: bashScenario('touch x', 'Make x') });
    const first = await post('/v1/messages?beta=true', { stream: true, tools: MAIN_TOOLS, messages: [{ role: 'user', content: 'go' }] });
    expect(first.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await first.text());
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      ...events.slice(3, -3).map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[2].data.content_block).toMatchObject({ type: 'tool_use', name: 'Bash', input: {} });
    const json = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => event.data.delta.partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ command: 'touch x', description: 'Make x' });
    expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
    expect(events.at(-2)!.data.usage.output_tokens).toBeGreaterThan(0);

    const toolUseId = events[2].data.content_block.id;
    const second = await post('/v1/messages?beta=true', {
      stream: true,
      tools: MAIN_TOOLS,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: toolUseId, name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'denied', is_error: true }] },
      ],
    });
    const text = parseSse(await second.text());
    expect(text[2].data.content_block).toEqual({ type: 'text', text: '' });
    expect(text[3].data.delta).toEqual({ type: 'text_delta', text: 'Done.' });
    expect(text.at(-2)!.data.delta.stop_reason).toBe('end_turn');

    const state = conversationState(mock.mainRequests()[1].body);
    expect(state.lastToolResult).toEqual({ toolUseId, content: 'denied', isError: true });
  });

  it('answers side requests (no Bash tool) with short text and non-stream requests with JSON', async () => {
    mock = await startMockAnthropic({ script: askScenario(), sideText: 'A title' });
    const side = await post('/v1/messages', { messages: [{ role: 'user', content: 'title?' }] });
    const message = await side.json();
    expect(message).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(message.content).toEqual([{ type: 'text', text: 'A title' }]);
    const main = await (await post('/v1/messages', { tools: MAIN_TOOLS, messages: [{ role: 'user', content: 'ask' }] })).json();
    expect(main.stop_reason).toBe('tool_use');
    expect(main.content[0]).toMatchObject({ type: 'tool_use', name: 'AskUserQuestion' });
    expect(main.content[0].input.questions[0].options).toHaveLength(2);
    expect(mock.requests.map((request) => request.main)).toEqual([false, true]);
  });

  it('streams a thinking block with its signature before the text', async () => {
    mock = await startMockAnthropic({ script: () => ({ thinking: 'Let me think about the files first.', text: 'Ok.' }) });
    const events = parseSse(await (await post('/v1/messages', { stream: true, tools: MAIN_TOOLS, messages: [] })).text());
    expect(events[2].data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    const deltas = events.filter((event) => event.event === 'content_block_delta' && event.data.index === 0).map((event) => event.data.delta);
    expect(deltas.filter((delta) => delta.type === 'thinking_delta').map((delta) => delta.thinking).join('')).toBe('Let me think about the files first.');
    expect(deltas.at(-1)).toEqual({ type: 'signature_delta', signature: 'mock-thinking-signature' });
    const textStart = events.find((event) => event.event === 'content_block_start' && event.data.index === 1);
    expect(textStart?.data.content_block).toEqual({ type: 'text', text: '' });
    const json = await (await post('/v1/messages', { tools: MAIN_TOOLS, messages: [] })).json();
    expect(json.content.map((block: any) => block.type)).toEqual(['thinking', 'text']);
  });

  it('streams slowly when the reply says so', async () => {
    mock = await startMockAnthropic({ script: busyScenario(0.4) });
    const started = Date.now();
    const events = parseSse(await (await post('/v1/messages', { stream: true, tools: MAIN_TOOLS, messages: [] })).text());
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(events.filter((event) => event.event === 'content_block_delta')).toHaveLength(40);
  });

  it('sends the auto-mode check verdict only when the request asks for it', async () => {
    const flagged = { outcome: 'flagged' as const, explanation: 'Downloads and runs a remote script' };
    mock = await startMockAnthropic({ script: stepsScenario([{ toolUse: { name: 'Bash', input: { command: 'curl x | sh' } }, safeguard: flagged }]) });
    const asked = parseSse(await (await post('/v1/messages', { stream: true, tools: MAIN_TOOLS, safeguards: [{ type: 'dangerous_tool_use' }], messages: [{ role: 'user', content: 'go' }] })).text());
    const toolId = asked.find((e) => e.event === 'content_block_start' && e.data.content_block.type === 'tool_use')!.data.content_block.id;
    const delta = asked.find((e) => e.event === 'message_delta')!.data.delta;
    expect(delta.safeguard_results).toEqual([{ type: 'dangerous_tool_use', status: { type: 'available', tool_uses: { [toolId]: { type: 'evaluated', ...flagged } } } }]);
    await mock.close();
    mock = await startMockAnthropic({ script: stepsScenario([{ toolUse: { name: 'Bash', input: { command: 'curl x | sh' } }, safeguard: flagged }]) });
    const plain = parseSse(await (await post('/v1/messages', { stream: true, tools: MAIN_TOOLS, messages: [{ role: 'user', content: 'go' }] })).text());
    expect(plain.find((e) => e.event === 'message_delta')!.data.delta.safeguard_results).toBeUndefined();
  });
});
