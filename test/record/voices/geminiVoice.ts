/**
 * Gemini CLI in the voices study: per-session hooks from a settings file that only Tether
 * writes, named by `GEMINI_CLI_SYSTEM_SETTINGS_PATH` (hooks concatenate across settings
 * files), a chosen conversation id through `--session-id`, and one turn against the mock Gemini
 * API that thinks, writes todos, runs a shell command behind an approval, reads a missing file
 * and ends with text.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startMockGemini, type GeminiReply } from '../../mock/geminiServer.js';
import { PtyDriver } from '../ptyDriver.js';
import type { HookSink } from './hookSink.js';
import { requestGaps, writeLatency } from './latency.js';
import { copyMatching, CURL_FORWARDER, forwarderCommand, NODE_FORWARDER, sleep, studyEnv, StudySession, type HookKind } from './study.js';

/** Gemini CLI 0.61's hook events the study subscribes to (AfterModel fires per streamed chunk: left out). */
export const GEMINI_EVENTS = ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'Notification', 'AfterAgent', 'PreCompress', 'SessionEnd'] as const;
/** Hook timeout (ms; Gemini's default is 60 000). */
const HOOK_TIMEOUT_MS = 5000;

/** Options of one Gemini run. */
export interface GeminiRun {
  readonly bin: string;
  readonly version: string;
  readonly kind: HookKind;
  readonly sink: HookSink;
  readonly outDir: string;
  readonly home: string;
  readonly projectDir: string;
  readonly loop?: number;
  /** Extra CLI args (e.g. `-m gemini-2.5-pro`, whose tool set has write_todos). */
  readonly args?: readonly string[];
  /** `extension`: hooks from a linked extension instead of the system settings file. */
  readonly via?: 'system' | 'extension';
}

/** The per-session settings file's content: hooks only, plus a test of the hook's `env` field. */
export function geminiHookSettings(run: Pick<GeminiRun, 'kind' | 'sink' | 'loop'>): Record<string, unknown> {
  if (run.kind === 'none') return {};
  const kind = run.kind === 'curl' ? 'curl' : 'node';
  const hooks: Record<string, unknown> = {};
  const events = run.loop ? ['BeforeTool', 'AfterTool'] : GEMINI_EVENTS;
  for (const event of events) {
    hooks[event] = [{ hooks: [{ type: 'command', name: `tether-${event}`, command: forwarderCommand(run.sink, kind, event), timeout: HOOK_TIMEOUT_MS, env: { TETHER_SESSION_ID: 'study-session' } }] }];
  }
  return { hooks };
}

function declaredTools(body: any): any[] {
  return (body?.tools ?? []).flatMap((tool: any) => tool?.functionDeclarations ?? []);
}

/** The turn, with parameter names read from the declarations the CLI sent. */
function geminiSteps(body: any, projectDir: string): GeminiReply[] {
  const tools = declaredTools(body);
  const readFile = tools.find((tool) => tool.name === 'read_file');
  const pathParam = Object.keys(readFile?.parametersJsonSchema?.properties ?? readFile?.parameters?.properties ?? { file_path: 1 })[0];
  const todos = (first: string, second: string) => ({
    name: 'write_todos',
    args: { todos: [{ description: 'Write hello to out.txt', status: first }, { description: 'Read the notes', status: second }] },
  });
  return [
    { thought: 'The user wants two things done; a todo list keeps them visible.', text: 'I will track this with a todo list.', functionCall: todos('in_progress', 'pending') },
    { functionCall: { name: 'run_shell_command', args: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } } },
    { functionCall: todos('completed', 'in_progress') },
    { text: 'Now the notes.', functionCall: { name: 'read_file', args: { [pathParam]: path.join(projectDir, 'missing-notes.md') } } },
    { functionCall: todos('completed', 'completed') },
    { text: 'All done: out.txt says hello, and there are no notes.' },
  ];
}

/** Gemini's idle input box. */
const IDLE = /\n > +Type your message or @path\/to\/file *\n▀+\n/;

/**
 * The no-root alternative: a `tether` extension linked once into the CLI's extension folder.
 * Its hooks are static; each command reads the session's sink URL from `TETHER_HOOK_URL` and
 * does nothing in sessions Tether did not start (no URL in their environment).
 */
function linkHookExtension(run: GeminiRun, env: Record<string, string>): void {
  const dir = path.join(path.dirname(run.home), 'tether-gemini-extension');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'hooks'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'gemini-extension.json'), JSON.stringify({ name: 'tether', version: '0.0.1', description: 'Forwards hook events to Tether' }, null, 2));
  const kind = run.kind === 'curl' ? 'curl' : 'node';
  const hooks: Record<string, unknown> = {};
  for (const event of GEMINI_EVENTS) {
    const forward = kind === 'node' ? `${process.execPath} ${NODE_FORWARDER}` : CURL_FORWARDER;
    hooks[event] = [{ hooks: [{ type: 'command', name: `tether-${event}`, command: `[ -z "$TETHER_HOOK_URL" ] || ${forward} "$TETHER_HOOK_URL/${kind}/${event}"`, timeout: HOOK_TIMEOUT_MS }] }];
  }
  fs.writeFileSync(path.join(dir, 'hooks', 'hooks.json'), JSON.stringify({ hooks }, null, 2));
  const linked = spawnSync(run.bin, ['extensions', 'link', dir, '--consent'], { env, encoding: 'utf8', timeout: 60_000 });
  fs.writeFileSync(path.join(run.outDir, 'extension-link.txt'), `${linked.status}\n${linked.stdout}\n${linked.stderr}`);
}

/**
 * Runs one Gemini session and copies its chat files into `outDir/transcripts`.
 * @throws Error when a screen does not show up in time.
 */
export async function runGemini(run: GeminiRun, log: (line: string) => void): Promise<void> {
  let steps: GeminiReply[] | undefined;
  const mock = await startMockGemini({
    script: (state) => {
      steps ??= run.loop
        ? // Distinct files: identical calls in a row trip Gemini's loop detection.
          [...Array.from({ length: run.loop }, (_, index): GeminiReply => ({ functionCall: { name: 'read_file', args: { file_path: path.join(run.projectDir, `note-${index}.md`) } } })), { text: 'Loop done.' }]
        : geminiSteps(state.body, run.projectDir);
      return steps[state.modelTurns] ?? { text: 'Done.' };
    },
  });
  const notes = Object.fromEntries(Array.from({ length: run.loop ?? 0 }, (_, index) => [`note-${index}.md`, `note ${index}\n`]));
  const env = await studyEnv('gemini', { mockUrl: mock.url, home: run.home, projectDir: run.projectDir, files: notes });
  // Gemini 0.61 reads a system settings file only when it and every parent folder are owned by
  // root and not group/world-writable; the study runs as root, so a root-owned folder works here.
  const settingsDir = process.env.VOICES_GEMINI_SETTINGS_DIR ?? path.dirname(run.home);
  fs.mkdirSync(settingsDir, { recursive: true, mode: 0o755 });
  const settingsFile = path.join(settingsDir, 'tether-gemini-settings.json');
  fs.writeFileSync(settingsFile, JSON.stringify(run.via === 'extension' ? {} : geminiHookSettings(run), null, 2));
  if (run.via === 'extension') linkHookExtension(run, env.env);
  const sessionId = crypto.randomUUID();
  const driver = PtyDriver.spawn({
    command: run.bin,
    args: ['--session-id', sessionId, ...(run.args ?? [])],
    cols: 120,
    rows: 40,
    cwd: env.projectDir,
    env: { ...env.env, GEMINI_CLI_SYSTEM_SETTINGS_PATH: settingsFile, TETHER_HOOK_URL: `${run.sink.url}/hook` },
  });
  const session = new StudySession(driver, run.outDir);
  try {
    await session.see(IDLE, 'idle', 60_000);
    if (run.loop) {
      await session.submit('List the directory many times.');
      await session.see(/Loop done\./, 'loop-done', 240_000);
      const summary = writeLatency(run.outDir, `gemini ${run.version} ${run.kind}`, requestGaps(mock.mainRequests().map((request) => request.atMs)));
      log(`latency ${JSON.stringify(summary)}`);
    } else {
      await session.submit('Make a todo list, write hello to out.txt, then read the notes.');
      const answered = await session.answerUntil(/All done: out\.txt says hello[\s\S]*Type your message/, /Allow once[\s\S]*No, suggest changes/, ['1']);
      log(`approvals answered: ${answered}`);
      await sleep(1500);
      await session.submit('/quit');
    }
  } finally {
    await session.end();
    log(`gemini ${run.version}: tools offered ${JSON.stringify(declaredTools(mock.mainRequests()[0]?.body).map((tool: any) => tool.name))}`);
    fs.writeFileSync(path.join(run.outDir, 'session.json'), JSON.stringify({ sessionId, settingsFile }, null, 2));
    fs.writeFileSync(path.join(run.outDir, 'model-contents.json'), JSON.stringify(mock.mainRequests().at(-1)?.body?.contents ?? [], null, 2));
    copyMatching(path.join(env.home, '.gemini'), path.join(run.outDir, 'transcripts'), /\.jsonl?$/);
    env.cleanup();
    await mock.close();
  }
}
