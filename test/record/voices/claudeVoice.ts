/**
 * Claude Code in the voices study: per-session hooks through `--settings <file>` (HTTP hooks
 * where Claude allows them, a forwarder command for SessionStart, or forwarders throughout), a
 * chosen conversation id through `--session-id`, and one turn against the mock model that
 * thinks, writes a todo list (TodoWrite or TaskCreate/TaskUpdate, whichever the CLI offers),
 * runs Bash behind an approval, reads a missing file (a tool error) and ends with text.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startMockAnthropic } from '../../mock/anthropicServer.js';
import type { ConversationState, MockReply } from '../../mock/scenarios.js';
import { PtyDriver } from '../ptyDriver.js';
import type { HookSink } from './hookSink.js';
import { requestGaps, writeLatency } from './latency.js';
import { copyMatching, forwarderArgv, forwarderCommand, hookUrl, sleep, STUDY_TOKEN, studyEnv, StudySession, type HookKind } from './study.js';

/** Claude's hook events the study subscribes to (2.1.197 knows them all). */
export const CLAUDE_EVENTS = [
  'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PermissionDenied', 'PostToolUse',
  'PostToolUseFailure', 'Notification', 'Stop', 'StopFailure', 'SubagentStart', 'SubagentStop', 'PreCompact',
  'SessionEnd', 'TaskCreated', 'TaskCompleted',
] as const;
/** Events where Claude skips HTTP hooks ("HTTP hooks are not supported for SessionStart"; bundle 2.1.197). */
const NO_HTTP = new Set(['SessionStart', 'Setup']);

/** Options of one Claude run. */
export interface ClaudeRun {
  readonly bin: string;
  readonly version: string;
  readonly kind: HookKind;
  /** Run the forwarder without a shell (`args`, exec form) instead of a command line. */
  readonly execForm?: boolean;
  readonly sink: HookSink;
  readonly outDir: string;
  /** Fixed dirs so the redaction maps them consistently. */
  readonly home: string;
  readonly projectDir: string;
  /** Extra CLI args (e.g. `--permission-mode default`). */
  readonly args?: readonly string[];
  /** Latency mode: the turn runs this many Reads in a row (hooks on PreToolUse/PostToolUse only). */
  readonly loop?: number;
  /** Extra environment (e.g. `CLAUDE_CODE_ENABLE_TODO_TOOLS=1`). */
  readonly extraEnv?: Readonly<Record<string, string>>;
}

function hookEntry(run: ClaudeRun, event: string): Record<string, unknown> {
  if (run.kind === 'http' && !NO_HTTP.has(event)) {
    // The credential stays in the environment; Claude interpolates only the names listed.
    return { type: 'http', url: hookUrl(run.sink, 'http', event), timeout: 2, headers: { 'X-Tether-Token': '$TETHER_HOOK_TOKEN' }, allowedEnvVars: ['TETHER_HOOK_TOKEN'] };
  }
  const kind = run.kind === 'curl' ? 'curl' : 'node';
  if (run.execForm) {
    const [command, ...args] = forwarderArgv(run.sink, kind, event);
    return { type: 'command', command, args, timeout: 2 };
  }
  return { type: 'command', command: forwarderCommand(run.sink, kind, event), timeout: 2 };
}

/** The per-session settings: one matcher-less group per event. */
export function claudeHookSettings(run: ClaudeRun): Record<string, unknown> {
  if (run.kind === 'none') return {};
  const hooks: Record<string, unknown> = {};
  const events = run.loop ? ['PreToolUse', 'PostToolUse'] : CLAUDE_EVENTS;
  for (const event of events) hooks[event] = [{ hooks: [hookEntry(run, event)] }];
  return { hooks };
}

/** Builds the turn's steps from the tools the CLI offers (TodoWrite, or TaskCreate/TaskUpdate). */
function claudeSteps(state: ConversationState, projectDir: string): MockReply[] {
  const tools: string[] = (state.body?.tools ?? []).map((tool: any) => String(tool?.name));
  const bash: MockReply = { toolUse: { name: 'Bash', input: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } } };
  const read: MockReply = { text: 'Now the notes.', toolUse: { name: 'Read', input: { file_path: path.join(projectDir, 'missing-notes.md') } } };
  const end: MockReply = { text: 'All done: out.txt says hello, and there are no notes.' };
  const thinking = 'The user wants two things done; a todo list keeps them visible.';
  // 2.1.332 defers the task tools (older models only): load their schemas with ToolSearch first.
  const deferred = !tools.includes('TaskCreate') && tools.includes('ToolSearch') && JSON.stringify(state.body).includes('TaskCreate');
  if (tools.includes('TaskCreate') || deferred) {
    const load: MockReply[] = deferred ? [{ thinking, toolUse: { name: 'ToolSearch', input: { query: 'select:TaskCreate,TaskUpdate' } } }] : [];
    return [
      ...load,
      { thinking, text: 'I will track this as tasks.', toolUse: { name: 'TaskCreate', input: { subject: 'Write hello to out.txt', description: 'echo hello into out.txt', activeForm: 'Writing hello' } } },
      { toolUse: { name: 'TaskCreate', input: { subject: 'Read the notes', description: 'Read missing-notes.md', activeForm: 'Reading the notes' } } },
      { toolUse: { name: 'TaskUpdate', input: { taskId: '1', status: 'in_progress' } } },
      bash,
      { toolUse: { name: 'TaskUpdate', input: { taskId: '1', status: 'completed' } } },
      read,
      { toolUse: { name: 'TaskUpdate', input: { taskId: '2', status: 'completed' } } },
      end,
    ];
  }
  const todos = (first: string, second: string) => ({
    todos: [
      { content: 'Write hello to out.txt', status: first, activeForm: 'Writing hello' },
      { content: 'Read the notes', status: second, activeForm: 'Reading the notes' },
    ],
  });
  return [
    { thinking, text: 'I will track this with a todo list.', toolUse: { name: 'TodoWrite', input: todos('in_progress', 'pending') } },
    bash,
    { toolUse: { name: 'TodoWrite', input: todos('completed', 'in_progress') } },
    read,
    { toolUse: { name: 'TodoWrite', input: todos('completed', 'completed') } },
    end,
  ];
}

/** `count` Reads of the readme, then text. */
function loopSteps(count: number, projectDir: string): MockReply[] {
  const read: MockReply = { toolUse: { name: 'Read', input: { file_path: path.join(projectDir, 'README.md') } } };
  return [...Array.from({ length: count }, () => read), { text: 'Loop done.' }];
}

/** How long the approval stays unanswered (ms): Claude's permission Notification comes late. */
const APPROVAL_WAIT_MS = 8000;
/** The idle input box of 2.1.197 and 2.1.332 (any mode's footer). */
const IDLE = /❯[\s\u00a0]*\n─+\n +(\? for shortcuts|.*mode on|.*\(shift\+tab to cycle\))/;
/** Claude's Bash approval. */
const APPROVAL = /Do you want to proceed\?[\s\S]*Esc to cancel/;

/**
 * Runs one Claude session and copies its transcript files into `outDir/transcripts`.
 * @throws Error when a screen does not show up in time.
 */
export async function runClaude(run: ClaudeRun, log: (line: string) => void): Promise<void> {
  let steps: MockReply[] | undefined;
  const mock = await startMockAnthropic({
    script: (state) => {
      steps ??= run.loop ? loopSteps(run.loop, run.projectDir) : claudeSteps(state, run.projectDir);
      return steps[state.assistantTurns] ?? { text: 'Done.' };
    },
  });
  // 2.1.332's release seeds skip its start-up offers (fullscreen renderer, auto mode).
  const env = await studyEnv('claude', { mockUrl: mock.url, home: run.home, projectDir: run.projectDir, release: run.version === '2.1.197' ? undefined : run.version });
  const settingsFile = path.join(path.dirname(run.home), 'tether-claude-settings.json');
  fs.writeFileSync(settingsFile, JSON.stringify(claudeHookSettings(run), null, 2));
  const sessionId = crypto.randomUUID();
  const driver = PtyDriver.spawn({
    command: run.bin,
    args: ['--settings', settingsFile, '--session-id', sessionId, ...(run.args ?? [])],
    cols: 120,
    rows: 40,
    cwd: env.projectDir,
    env: { ...env.env, TETHER_HOOK_TOKEN: STUDY_TOKEN, ...run.extraEnv },
  });
  const session = new StudySession(driver, run.outDir);
  try {
    if (run.loop) {
      await session.see(IDLE, 'idle');
      await session.submit('Read the readme many times.', 400);
      await session.see(/Loop done\./, 'loop-done', 180_000);
      const times = mock.mainRequests().map((request) => request.atMs);
      const summary = writeLatency(run.outDir, `claude ${run.version} ${run.kind}${run.execForm ? ' exec' : ''}`, requestGaps(times));
      log(`latency ${JSON.stringify(summary)}`);
      return;
    }
    await session.see(IDLE, 'idle');
    await session.submit('Make a todo list, write hello to out.txt, then read the notes.', 400);
    await session.see(APPROVAL, 'approval');
    // Long enough for Claude's permission Notification (it is not sent at once).
    await sleep(APPROVAL_WAIT_MS);
    await session.see(APPROVAL, 'approval-later');
    await session.keys('\r');
    await session.see(/All done: out\.txt says hello[\s\S]*❯/, 'done');
    await session.see(IDLE, 'idle-after');
    await session.submit('/exit', 400);
  } finally {
    await session.end();
    log(`claude ${run.version} ${run.kind}: tools offered ${JSON.stringify(mock.mainRequests()[0]?.body?.tools?.map((tool: any) => tool.name))}`);
    fs.writeFileSync(path.join(run.outDir, 'session.json'), JSON.stringify({ sessionId, settingsFile, requests: mock.requests.length }, null, 2));
    fs.writeFileSync(path.join(run.outDir, 'first-request.json'), JSON.stringify(mock.mainRequests()[0]?.body ?? {}, null, 2));
    // What the model saw last: shows whether hooks leaked anything into its context.
    fs.writeFileSync(path.join(run.outDir, 'model-messages.json'), JSON.stringify(mock.mainRequests().at(-1)?.body?.messages ?? [], null, 2));
    copyMatching(path.join(env.home, '.claude'), path.join(run.outDir, 'transcripts'), /\.jsonl$|tasks\/.*\.json$/);
    env.cleanup();
    await mock.close();
  }
}
