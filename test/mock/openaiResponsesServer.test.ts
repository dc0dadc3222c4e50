import { afterEach, describe, expect, it } from 'vitest';
import { startMockResponses } from './openaiResponsesServer.js';
import type { MockResponses } from './openaiResponsesServer.js';
import { escalatedExec, patchCall, responsesState, stepsScenario } from './responsesScenarios.js';

let mock: MockResponses | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** Posts to /v1/responses and returns the SSE events' data. */
async function post(url: string, body: unknown): Promise<any[]> {
  const reply = await fetch(`${url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(reply.headers.get('content-type')).toContain('text/event-stream');
  const text = await reply.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const [event, data] = block.split('\n');
      const parsed = JSON.parse(data.replace(/^data: /, ''));
      expect(event).toBe(`event: ${parsed.type}`);
      return parsed;
    });
}

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

describe('mock Responses API', () => {
  it('streams a function call, then text once the tool output is back, and records both requests', async () => {
    mock = await startMockResponses({ script: stepsScenario([escalatedExec('touch x', 'Make x')]) });
    const first = await post(mock.url, { model: 'gpt-5.5', stream: true, input: [user('<environment_context>…</environment_context>'), user('make x')], tools: [] });
    expect(first.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const call = first[4].item;
    expect(call).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(JSON.parse(call.arguments)).toEqual({ cmd: 'touch x', sandbox_permissions: 'require_escalated', justification: 'Make x' });
    expect(first[5].response.usage.total_tokens).toBeGreaterThan(0);

    const second = await post(mock.url, {
      model: 'gpt-5.5',
      stream: true,
      input: [user('make x'), call, { type: 'function_call_output', call_id: call.call_id, output: 'Process exited with code 0' }],
    });
    const text = second.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    expect(text).toBe('Done.');
    expect(mock.mainRequests()).toHaveLength(2);
    expect(mock.toolOutputs()).toEqual([{ callId: call.call_id, output: 'Process exited with code 0' }]);
  });

  it('answers the title request with JSON and the models list', async () => {
    mock = await startMockResponses();
    const events = await post(mock.url, { stream: true, input: [user('title please')], text: { format: { type: 'json_schema' } } });
    const done = events.find((e) => e.type === 'response.output_text.done');
    expect(JSON.parse(done.text)).toEqual({ title: 'Mock session' });
    expect(mock.mainRequests()).toHaveLength(0);
    const models = await (await fetch(`${mock.url}/models`)).json();
    expect(models.data[0].id).toBe('mock-model');
    expect((await fetch(`${mock.url}/nowhere`)).status).toBe(404);
  });

  it('streams apply_patch as a custom tool call and counts steps per user turn', async () => {
    mock = await startMockResponses({ script: stepsScenario([patchCall('/tmp/a.txt', 'old', 'new')]) });
    const events = await post(mock.url, { stream: true, input: [user('edit')] });
    const item = events.find((e) => e.type === 'response.output_item.done').item;
    expect(item).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch' });
    expect(item.input).toContain('*** Update File: /tmp/a.txt\n@@\n-old\n+new');
    const state = responsesState({ input: [user('one'), item, { type: 'custom_tool_call_output', call_id: item.call_id, output: 'ok' }, user('two')] });
    expect(state).toMatchObject({ userTurns: 2, stepInTurn: 0, lastUserText: 'two' });
  });

  it('streams a reasoning summary before the text', async () => {
    mock = await startMockResponses({ script: () => ({ reasoning: 'First check the notes, then answer.', text: 'Ok.' }) });
    const events = await post(mock.url, { stream: true, input: [user('think')] });
    expect(events[1]).toMatchObject({ type: 'response.output_item.added', output_index: 0, item: { type: 'reasoning', summary: [] } });
    const summary = events.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => e.delta).join('');
    expect(summary).toBe('First check the notes, then answer.');
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
    expect(done.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(done[0].summary).toEqual([{ type: 'summary_text', text: 'First check the notes, then answer.' }]);
    expect(events.at(-1).response.output.map((item: any) => item.type)).toEqual(['reasoning', 'message']);
  });
});
