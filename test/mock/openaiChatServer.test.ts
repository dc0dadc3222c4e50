import { afterEach, describe, expect, it } from 'vitest';
import { chatState, chatSteps, startMockOpenAiChat } from './openaiChatServer.js';
import type { MockOpenAiChat } from './openaiChatServer.js';

let mock: MockOpenAiChat | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const TOOLS = [{ type: 'function', function: { name: 'bash', parameters: { type: 'object' } } }];

async function post(body: object): Promise<Response> {
  return fetch(`${mock!.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The `data:` payloads of an SSE body. */
function events(text: string): string[] {
  return text.split('\n\n').filter(Boolean).map((block) => block.replace(/^data: /, ''));
}

describe('mock Chat Completions server', () => {
  it('streams a scripted tool call as chunks, then [DONE]', async () => {
    mock = await startMockOpenAiChat({ script: chatSteps([{ text: 'Running it.', toolCalls: [{ name: 'bash', arguments: { command: 'ls' } }] }]) });
    const reply = await post({ model: 'mock-model', stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'list' }] });
    expect(reply.headers.get('content-type')).toContain('text/event-stream');
    const data = events(await reply.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Running it.');
    const args = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []).map((t: any) => t.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ command: 'ls' });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers without stream as one JSON completion, and side requests with short text', async () => {
    mock = await startMockOpenAiChat({ sideText: 'A title' });
    const main = await (await post({ model: 'mock-model', tools: TOOLS, messages: [{ role: 'user', content: 'hi' }] })).json();
    expect(main.choices[0].message.content).toBe('Done.');
    const side = await (await post({ model: 'mock-model', messages: [{ role: 'user', content: 'title?' }] })).json();
    expect(side.choices[0].message.content).toBe('A title');
    expect(mock.mainRequests()).toHaveLength(1);
  });

  it('lists the model and records the tool results the CLI sends back', async () => {
    mock = await startMockOpenAiChat();
    const models = await (await fetch(`${mock.url}/models`)).json();
    expect(models.data[0].id).toBe('mock-model');
    await post({
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
    });
    expect(mock.toolResults()).toEqual([{ toolCallId: 'c1', content: 'ok' }]);
  });

  it('counts assistant turns from the last user message (Qwen opens with a canned reply)', () => {
    const state = chatState({
      messages: [
        { role: 'user', content: 'context' },
        { role: 'assistant', content: 'Got it.' },
        { role: 'user', content: 'do it' },
      ],
    });
    expect(state.assistantTurns).toBe(0);
    expect(state.lastUserText).toBe('do it');
  });

  it('streams reasoning_content deltas before the text', async () => {
    mock = await startMockOpenAiChat({ script: chatSteps([{ reasoning: 'Look at the notes first.', text: 'Ok.' }]) });
    const chunks = events(await (await post({ model: 'mock-model', stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'go' }] })).text())
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    const deltas = chunks.map((c) => c.choices[0]?.delta ?? {});
    expect(deltas.map((d) => d.reasoning_content ?? '').join('')).toBe('Look at the notes first.');
    const firstText = deltas.findIndex((d) => d.content);
    expect(deltas.slice(firstText).every((d) => d.reasoning_content === undefined)).toBe(true);
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Ok.');
  });
});
