import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../common/index.js';
import type { AgentWitnesses } from '../../parsers/index.js';
import { geminiHooks, geminiTranscript } from '../../parsers/gemini/geminiVoice.js';
import { VirtualClock } from './clocks.js';
import { prepareVoice, SessionVoice } from './sessionVoice.js';
import { waitUntil } from '../../test/support/waitFor.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-voice-'));
  dirs.push(dir);
  return dir;
}

/** A Gemini-shaped session whose chat file the test writes line by line. */
function geminiSession(holdTurnEnd?: () => boolean) {
  const home = temp();
  const witnesses: AgentWitnesses = { hooks: geminiHooks, transcript: geminiTranscript };
  const prepared = prepareVoice(witnesses, { id: 's1', args: [], env: {} }, { baseUrl: 'http://127.0.0.1:9', forwarder: ['node', 'f.mjs'] });
  if (!prepared?.conversationId) throw new Error('expected a conversation id');
  const clock = new VirtualClock(Date.now() - 60_000);
  const events: SessionEvent[] = [];
  let seq = 0;
  const voice = new SessionVoice({ sessionId: 's1', clock, nextSeq: () => ++seq, emit: (event) => events.push(event), witnesses, prepared, home, cwd: '/p', ...(holdTurnEnd ? { holdTurnEnd } : {}) });
  const chats = join(home, '.gemini', 'tmp', 'project', 'chats');
  mkdirSync(chats, { recursive: true });
  const file = join(chats, `session-2026-12-01T21-29-${prepared.conversationId.slice(0, 8)}.jsonl`);
  return { voice, clock, events, file, conversationId: prepared.conversationId, write: (line: unknown) => appendFileSync(file, `${JSON.stringify(line)}\n`) };
}

describe('SessionVoice', () => {
  it('finds a transcript the CLI names at start, skips another session’s file with the same short id, and settles a file’s turn end', async () => {
    const session = geminiSession();
    try {
      // Another conversation's file with the same first 8 characters is never read.
      writeFileSync(session.file.replace('21-29', '20-00'), `${JSON.stringify({ sessionId: `${session.conversationId.slice(0, 8)}-other`, kind: 'main' })}\n${JSON.stringify({ id: 'x', type: 'user', content: [{ text: 'not ours' }] })}\n`);
      session.write({ sessionId: session.conversationId, kind: 'main' });
      session.write({ id: 'u1', type: 'user', content: [{ text: 'hello' }] });
      session.write({ id: 'm1', type: 'gemini', content: 'Working on it.' });
      await waitUntil(() => session.events.some((e) => e.type === 'new_message' && e.role === 'assistant'), 10_000, 'the first text');
      // The same message written again with its call: the candidate turn end is dropped.
      session.write({ $set: { lastUpdated: 'x' } });
      session.write({ id: 'm1', type: 'gemini', content: 'Working on it.', toolCalls: [{ id: 'c1', name: 'run_shell_command', args: { command: 'ls' } }] });
      await waitUntil(() => session.events.some((e) => e.type === 'activity' && e.activity_type === 'tool_start'), 10_000, 'the tool call');
      session.clock.advance(5_000);
      expect(session.events.some((e) => e.type === 'interaction_completed')).toBe(false);
      session.write({ id: 'm2', type: 'gemini', content: 'Done.' });
      await waitUntil(() => session.events.filter((e) => e.type === 'new_message' && e.role === 'assistant').length === 2, 10_000, 'the last text');
      expect(session.events.some((e) => e.type === 'interaction_completed')).toBe(false);
      session.clock.advance(5_000);
      expect(session.events.filter((e) => e.type === 'interaction_completed')).toMatchObject([{ status: 'ok' }]);
      expect(session.events.some((e) => e.type === 'activity' && e.content === 'not ours')).toBe(false);
      expect(session.voice.conversationId).toBe(session.conversationId);
    } finally {
      session.voice.dispose();
    }
  }, 30_000);

  it('holds a file’s candidate turn end while the screen shows a dialog (Gemini writes the call once it ran)', async () => {
    let dialog = true;
    const session = geminiSession(() => dialog);
    try {
      session.write({ sessionId: session.conversationId, kind: 'main' });
      session.write({ id: 'u1', type: 'user', content: [{ text: 'hello' }] });
      session.write({ id: 'm1', type: 'gemini', content: 'Running it.' });
      await waitUntil(() => session.events.some((e) => e.type === 'new_message' && e.role === 'assistant'), 10_000, 'the text');
      session.clock.advance(10_000);
      expect(session.events.some((e) => e.type === 'interaction_completed')).toBe(false);
      dialog = false;
      session.clock.advance(5_000);
      expect(session.events.filter((e) => e.type === 'interaction_completed')).toHaveLength(1);
    } finally {
      session.voice.dispose();
    }
  }, 30_000);
});
