/**
 * Core against the real Claude Code CLI (the newest release, 2.1.332) and the mock Anthropic server: a session
 * reaches the idle box, a Bash approval is detected on screen with its options, answered at once
 * with keys mapped from the screen, cleared, the dialog leaves the screen, and the tool's effect is on disk.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionManager } from '../src/core/index.js';
import type { SessionEvent, WaitingForInputEvent } from '../src/common/index.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { bashScenario } from './mock/scenarios.js';
import { makeCliEnv } from './support/cliEnv.js';
import { nextEvent } from './support/waitFor.js';
import { useCleanups } from './support/phone.js';

const cleanups = useCleanups();

async function startClaude(cols: number, rows: number) {
  const mock = await startMockAnthropic({ script: bashScenario('touch created-by-tool.txt', 'Create the marker file') });
  cleanups.push(() => mock.close());
  const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url, newest: true });
  cleanups.push(() => claudeEnv.cleanup());
  const sessions = new SessionManager({ env: {} });
  cleanups.push(() => sessions.dispose());
  const events: SessionEvent[] = [];
  sessions.onEvent((event) => events.push(event));
  const isWaiting = (type: string) => (e: SessionEvent) => e.type === 'waiting_for_input' && e.wait_type === type;
  const ready = nextEvent(sessions.onEvent, isWaiting('awaiting_response'), 30_000, 'idle box');
  const info = await sessions.create({ cli: claudeEnv.bin, cliType: 'claude', cwd: claudeEnv.projectDir, env: claudeEnv.env, cols, rows });
  const idle = (await ready) as WaitingForInputEvent;
  return { sessions, info, idle, events, claudeEnv, mock, isWaiting };
}

describe('a real Claude Code session', () => {
  // The answer goes the moment the approval is reported. Claude Code 2.1.332 drops a key read within
  // 150 ms of its dialog's paint (noted late under load), so answers wait for the dialog to settle and
  // are checked to land (src/core/answerLanding.ts).
  it('detects a Bash approval, approves it from the screen options, and the tool runs', async () => {
    const { sessions, info, idle, events, claudeEnv, isWaiting } = await startClaude(120, 40);
    expect(idle.after_turn).toBe(false);
    const approval = nextEvent(sessions.onEvent, isWaiting('tool_approval'), 30_000, 'Bash approval');
    await sessions.sendInput(info.id, 'create the marker file');
    const prompt = (await approval) as WaitingForInputEvent;
    expect(prompt.tool_name).toBe('Bash');
    expect(prompt.prompt_content).toContain('touch created-by-tool.txt');
    expect(prompt.options[0]).toEqual({ id: '1', label: 'Yes', role: 'approve' });
    expect(prompt.options.at(-1)?.label).toBe('No');

    const cleared = nextEvent(sessions.onEvent, (e) => e.type === 'waiting_cleared' && e.prompt_id === prompt.prompt_id, 5_000, 'clear');
    const afterTurn = nextEvent(sessions.onEvent, isWaiting('awaiting_response'), 30_000, 'idle after the turn');
    await sessions.answerApproval(info.id, prompt.prompt_id, 'yes');
    expect(await cleared).toMatchObject({ cause: 'answered' });
    expect(((await afterTurn) as WaitingForInputEvent).after_turn).toBe(true);
    expect(existsSync(join(claudeEnv.projectDir, 'created-by-tool.txt'))).toBe(true);
    await expect(sessions.answerApproval(info.id, prompt.prompt_id, 'yes')).rejects.toMatchObject({ code: 'STALE_PROMPT' });
    const seqs = events.filter((e) => 'seq' in e).map((e) => (e as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
