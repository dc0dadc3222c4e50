/**
 * Qwen Code in the voices study: Claude-style hooks (command or HTTP) from a settings file that
 * only Tether writes, named by `QWEN_CODE_SYSTEM_SETTINGS_PATH`, a chosen conversation id
 * through `--session-id`, and one turn against the mock Chat Completions server that reasons,
 * writes todos, runs a shell command behind an approval, reads a missing file and ends.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startMockOpenAiChat, type ChatReply } from '../../mock/openaiChatServer.js';
import { PtyDriver } from '../ptyDriver.js';
import type { HookSink } from './hookSink.js';
import { requestGaps, writeLatency } from './latency.js';
import { copyMatching, forwarderCommand, hookUrl, sleep, STUDY_TOKEN, studyEnv, StudySession, type HookKind } from './study.js';

/** Hook events of Qwen Code 0.15.10 (`HookEventName` in its bundle). */
const EVENTS_0_15 = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'PostToolUseFailure', 'Notification', 'Stop', 'StopFailure', 'SubagentStart', 'SubagentStop', 'PreCompact', 'SessionEnd'];
/** Added by 0.24.4. */
const EVENTS_0_24 = [...EVENTS_0_15, 'PermissionDenied', 'TodoCreated', 'TodoCompleted', 'PostToolBatch'];
/** HTTP hook timeout (s: `timeout * 1e3` in the HTTP runner, bundle 0.15.10). */
const HOOK_TIMEOUT_S = 5;
/** Command hook timeout (ms: the command runner uses `timeout` as is, default 60 000; bundle 0.15.10). */
const COMMAND_TIMEOUT_MS = 5000;

/** Options of one Qwen run. */
export interface QwenRun {
  readonly bin: string;
  readonly version: string;
  readonly kind: HookKind;
  readonly sink: HookSink;
  readonly outDir: string;
  readonly home: string;
  readonly projectDir: string;
  readonly loop?: number;
  /** Extra settings merged into the per-session file (e.g. 0.24's `tools.todoWrite.enabled`). */
  readonly extraSettings?: Record<string, unknown>;
}

/** The per-session settings file: hooks only. */
export function qwenHookSettings(run: Pick<QwenRun, 'kind' | 'sink' | 'loop' | 'version'>): Record<string, unknown> {
  if (run.kind === 'none') return {};
  const events = run.loop ? ['PreToolUse', 'PostToolUse'] : run.version.startsWith('0.15') ? EVENTS_0_15 : EVENTS_0_24;
  const hooks: Record<string, unknown> = {};
  for (const event of events) {
    const hook =
      run.kind === 'http'
        ? { type: 'http', url: hookUrl(run.sink, 'http', event), timeout: HOOK_TIMEOUT_S, headers: { 'X-Tether-Token': '$TETHER_HOOK_TOKEN' }, allowedEnvVars: ['TETHER_HOOK_TOKEN'] }
        : { type: 'command', command: forwarderCommand(run.sink, run.kind === 'curl' ? 'curl' : 'node', event), timeout: COMMAND_TIMEOUT_MS };
    hooks[event] = [{ hooks: [hook] }];
  }
  return { hooks };
}

function toolNames(body: any): string[] {
  return (body?.tools ?? []).map((tool: any) => String(tool?.function?.name));
}

function toolParams(body: any, name: string): string[] {
  const tool = (body?.tools ?? []).find((entry: any) => entry?.function?.name === name);
  return Object.keys(tool?.function?.parameters?.properties ?? {});
}

/** The turn, using the todo tool and parameter names the CLI declared. */
function qwenSteps(body: any, projectDir: string): ChatReply[] {
  const todoTool = toolNames(body).find((name) => /todo/i.test(name)) ?? 'todo_write';
  const readParam = toolParams(body, 'read_file')[0] ?? 'absolute_path';
  const todos = (first: string, second: string): ChatReply => ({
    toolCalls: [{ name: todoTool, arguments: { todos: [{ id: '1', content: 'Write hello to out.txt', status: first }, { id: '2', content: 'Read the notes', status: second }] } }],
  });
  return [
    { reasoning: 'The user wants two things done; a todo list keeps them visible.', text: 'I will track this with a todo list.', ...todos('in_progress', 'pending') },
    { toolCalls: [{ name: 'run_shell_command', arguments: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } }] },
    todos('completed', 'in_progress'),
    { text: 'Now the notes.', toolCalls: [{ name: 'read_file', arguments: { [readParam]: path.join(projectDir, 'missing-notes.md') } }] },
    todos('completed', 'completed'),
    { text: 'All done: out.txt says hello, and there are no notes.' },
  ];
}

/** Qwen's idle input between its rules. */
const IDLE = /\n>   Type your message or @path\/to\/file\s*\n─{20,}/;

/**
 * Runs one Qwen session and copies its chat files into `outDir/transcripts`.
 * @throws Error when a screen does not show up in time.
 */
export async function runQwen(run: QwenRun, log: (line: string) => void): Promise<void> {
  let steps: ChatReply[] | undefined;
  const mock = await startMockOpenAiChat({
    script: (state) => {
      steps ??= run.loop
        ? [...Array.from({ length: run.loop }, (): ChatReply => ({ toolCalls: [{ name: 'list_directory', arguments: { path: run.projectDir } }] })), { text: 'Loop done.' }]
        : qwenSteps(state.body, run.projectDir);
      return steps[state.assistantTurns] ?? { text: 'Done.' };
    },
  });
  const env = await studyEnv('qwen', { mockUrl: mock.url, home: run.home, projectDir: run.projectDir });
  const settingsFile = path.join(path.dirname(run.home), 'tether-qwen-settings.json');
  fs.writeFileSync(settingsFile, JSON.stringify({ ...qwenHookSettings(run), ...run.extraSettings }, null, 2));
  const sessionId = crypto.randomUUID();
  const driver = PtyDriver.spawn({
    command: run.bin,
    args: ['--session-id', sessionId],
    cols: 120,
    rows: 40,
    cwd: env.projectDir,
    env: { ...env.env, QWEN_CODE_SYSTEM_SETTINGS_PATH: settingsFile, TETHER_HOOK_TOKEN: STUDY_TOKEN },
  });
  const session = new StudySession(driver, run.outDir);
  try {
    await session.see(IDLE, 'idle', 60_000);
    if (run.loop) {
      await session.submit('List the directory many times.');
      await session.see(/Loop done\./, 'loop-done', 240_000);
      const summary = writeLatency(run.outDir, `qwen ${run.version} ${run.kind}`, requestGaps(mock.mainRequests().map((request) => request.atMs)));
      log(`latency ${JSON.stringify(summary)}`);
    } else {
      await session.submit('Make a todo list, write hello to out.txt, then read the notes.');
      const answered = await session.answerUntil(/All done: out\.txt says hello[\s\S]*Type your message/, /Allow execution of[\s\S]*› 1\./, ['1']);
      log(`approvals answered: ${answered}`);
      await sleep(1500);
      await session.submit('/quit');
    }
  } finally {
    await session.end();
    log(`qwen ${run.version}: tools offered ${JSON.stringify(toolNames(mock.mainRequests()[0]?.body))}`);
    fs.writeFileSync(path.join(run.outDir, 'session.json'), JSON.stringify({ sessionId, settingsFile }, null, 2));
    fs.writeFileSync(path.join(run.outDir, 'model-messages.json'), JSON.stringify(mock.mainRequests().at(-1)?.body?.messages ?? [], null, 2));
    copyMatching(path.join(env.home, '.qwen'), path.join(run.outDir, 'transcripts'), /\.jsonl?$/);
    env.cleanup();
    await mock.close();
  }
}
