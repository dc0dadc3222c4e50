import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../common/index.js';
import { QUEUE_LIMITS, type QueueMessage, type StoredQueue } from '../common/queue.js';
import { QueueStore } from '../store/queueStore.js';
import { VirtualClock } from './clocks.js';
import { PromptQueue } from './promptQueue.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-queue-'));
  dirs.push(dir);
  return dir;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TetherError ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

function setup(live = new Set(['s1']), dir = tempDir()) {
  const queue = new PromptQueue((id) => live.has(id), new QueueStore(dir), new VirtualClock(1_000));
  const messages: QueueMessage[] = [];
  queue.onMessage((message) => messages.push(message));
  return { queue, messages, dir, live };
}

const texts = (queue: PromptQueue, sessionId = 's1') => queue.queue(sessionId).items.map((item) => `${item.text}:${item.state}`);

describe('PromptQueue', () => {
  it('adds, edits, moves, skips, re-queues and removes items, announcing each change with the whole queue', () => {
    const { queue, messages } = setup();
    const a = queue.add('s1', 'run the tests', 'phone-1');
    const b = queue.add('s1', 'commit', 'phone-1');
    const c = queue.add('s1', 'push', 'local');
    expect(a).toMatchObject({ text: 'run the tests', state: 'queued', queued_by: 'phone-1', queued_at: new Date(1_000).toISOString() });
    queue.edit('s1', c.id, { position: 0 });
    expect(texts(queue)).toEqual(['push:queued', 'run the tests:queued', 'commit:queued']);
    queue.edit('s1', b.id, { text: 'commit with a message' });
    queue.edit('s1', a.id, { state: 'skipped' });
    expect(texts(queue)).toEqual(['run the tests:skipped', 'push:queued', 'commit with a message:queued']);
    queue.edit('s1', a.id, { state: 'queued' });
    queue.remove('s1', c.id);
    expect(texts(queue)).toEqual(['commit with a message:queued', 'run the tests:queued']);
    const last = messages.at(-1);
    expect(last?.type).toBe('queue_updated');
    expect(last).toMatchObject({ session_id: 's1', session_exists: true, autoplay: { enabled: false, paused_reason: null } });
    expect(messages.filter((message) => message.type === 'queue_updated')).toHaveLength(8);
  });

  it('takes the next item as an interaction and completes it once, with interaction_completed', () => {
    const { queue, messages } = setup();
    const a = queue.add('s1', 'first', 'phone-1');
    queue.add('s1', 'second', 'phone-1');
    const taken = queue.take('s1', 'executor');
    expect(taken).toMatchObject({ id: a.id, state: 'sent', ran_by: 'executor' });
    expect(queue.running('s1')?.id).toBe(a.id);
    expect(codeOf(() => queue.edit('s1', a.id, { text: 'changed' }))).toBe('QUEUE_ITEM_LOCKED');
    expect(codeOf(() => queue.remove('s1', a.id))).toBe('QUEUE_ITEM_LOCKED');
    queue.complete('s1', taken!.interaction_id!, 'error', 'x'.repeat(QUEUE_LIMITS.outputChars + 10));
    expect(messages.at(-1)).toEqual({ type: 'interaction_completed', session_id: 's1', interaction_id: taken!.interaction_id, status: 'error', item_id: a.id });
    expect(queue.queue('s1').items[0]).toMatchObject({ state: 'failed', output: 'x'.repeat(QUEUE_LIMITS.outputChars) });
    expect(codeOf(() => queue.complete('s1', taken!.interaction_id!, 'ok'))).toBe('INTERACTION_NOT_FOUND');
    expect(codeOf(() => queue.complete('s1', 'no-such-interaction', 'ok'))).toBe('INTERACTION_NOT_FOUND');
  });

  it('refuses bad input with coded errors and changes nothing', () => {
    const { queue } = setup();
    const a = queue.add('s1', 'keep me', 'phone-1');
    const before = JSON.stringify(queue.list());
    expect(codeOf(() => queue.add('nope', 'text', 'phone-1'))).toBe('SESSION_NOT_FOUND');
    expect(codeOf(() => queue.queue('nope'))).toBe('SESSION_NOT_FOUND');
    expect(codeOf(() => queue.add('s1', 'x'.repeat(QUEUE_LIMITS.textChars + 1), 'phone-1'))).toBe('BAD_MESSAGE');
    expect(codeOf(() => queue.add('s1', '   ', 'phone-1'))).toBe('BAD_MESSAGE');
    expect(codeOf(() => queue.edit('s1', 'stale-id', { position: 0 }))).toBe('QUEUE_ITEM_NOT_FOUND');
    expect(codeOf(() => queue.remove('s1', 'stale-id'))).toBe('QUEUE_ITEM_NOT_FOUND');
    expect(codeOf(() => queue.edit('s1', a.id, { state: 'queued', text: 'x'.repeat(QUEUE_LIMITS.textChars + 1) }))).toBe('BAD_MESSAGE');
    expect(JSON.stringify(queue.list())).toBe(before);
  });

  it('holds at most QUEUE_LIMITS.queuedItems queued prompts per session', () => {
    const { queue } = setup();
    for (let index = 0; index < QUEUE_LIMITS.queuedItems; index += 1) queue.add('s1', `prompt ${index}`, 'phone-1');
    expect(codeOf(() => queue.add('s1', 'one too many', 'phone-1'))).toBe('QUEUE_FULL');
    expect(queue.queue('s1').items).toHaveLength(QUEUE_LIMITS.queuedItems);
  });

  it('survives a restart: items stay, those of gone sessions are shown, a sent one is marked failed, autoplay is off', () => {
    const first = setup(new Set(['s1', 's2']));
    first.queue.add('s1', 'queued one', 'phone-1');
    first.queue.add('s2', 'was running', 'phone-1');
    first.queue.take('s2', 'autoplay');
    first.queue.setAutoplay('s1', { enabled: true, paused_reason: null });
    const second = setup(new Set(), first.dir);
    expect(second.queue.list().map((each) => [each.session_id, each.session_exists, each.autoplay.enabled, each.items.map((item) => item.state)])).toEqual([
      ['s1', false, false, ['queued']],
      ['s2', false, false, ['failed']],
    ]);
    expect(texts(second.queue, 's1')).toEqual(['queued one:queued']);
  });

  it('keeps nothing it could not save: a failed write rolls the change back and throws STORE_WRITE_FAILED', () => {
    let refuse = false;
    const saved: Array<Record<string, StoredQueue>> = [];
    const store = {
      load: () => ({}),
      save: (queues: Readonly<Record<string, StoredQueue>>) => {
        if (refuse) throw new TetherError('STORE_WRITE_FAILED', 'disk full');
        saved.push(structuredClone(queues) as Record<string, StoredQueue>);
      },
    };
    const queue = new PromptQueue(() => true, store, new VirtualClock(0));
    queue.add('s1', 'first', 'phone-1');
    refuse = true;
    expect(codeOf(() => queue.add('s1', 'second', 'phone-1'))).toBe('STORE_WRITE_FAILED');
    expect(texts(queue)).toEqual(['first:queued']);
    expect(saved).toHaveLength(1);
  });

  it('moves an unreadable queue file aside and starts empty', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'queue.json'), '{"version": 1, "queues": {"s1": {"items": "not a list"}}}');
    const problems: string[] = [];
    const queue = new PromptQueue(() => true, new QueueStore(dir, (message) => problems.push(message)), new VirtualClock(0));
    expect(queue.list()).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(readdirSync(dir).some((name) => name.startsWith('queue.json.unreadable-'))).toBe(true);
  });
});
