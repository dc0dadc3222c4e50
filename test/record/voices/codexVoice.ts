/**
 * Codex CLI in the voices study: per-session hooks and `notify` through `-c` overrides (the
 * session-flags config layer), with the three ways Codex can be made to run them (not at all
 * until trusted, `--dangerously-bypass-hook-trust`, or a per-session `hooks.state` trust entry
 * whose hash Tether computes), and one turn against the mock Responses API that reasons,
 * updates its plan, runs an escalated command behind an approval, runs a failing command and
 * ends with text. Codex's detached app-server is killed afterwards.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startMockResponses } from '../../mock/openaiResponsesServer.js';
import { escalatedExec, type ResponsesReply } from '../../mock/responsesScenarios.js';
import { PtyDriver } from '../ptyDriver.js';
import type { HookSink } from './hookSink.js';
import { requestGaps, writeLatency } from './latency.js';
import { copyMatching, forwarderArgv, forwarderCommand, sleep, studyEnv, StudySession, type HookKind } from './study.js';

/** Hook events of Codex 0.169's config (`HookEventsToml`); unknown keys fail the whole table. */
export const CODEX_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Stop'] as const;
/** Snake-case labels Codex hashes and keys hooks by (`hook_event_key_label`). */
const EVENT_LABEL: Record<string, string> = {
  SessionStart: 'session_start',
  UserPromptSubmit: 'user_prompt_submit',
  PreToolUse: 'pre_tool_use',
  PermissionRequest: 'permission_request',
  PostToolUse: 'post_tool_use',
  Stop: 'stop',
};
/** Events whose matcher Codex ignores (`matcher_pattern_for_event` gives None). */
const NO_MATCHER = new Set(['UserPromptSubmit', 'Stop']);
/** Hook timeout written into the config (s); Codex's default is 600. */
const HOOK_TIMEOUT_S = 5;
/** Source path of hooks given as `-c` overrides (`<session-flags>/config.toml` resolved against `/`). */
export const SESSION_FLAGS_SOURCE = '/<session-flags>/config.toml';

/** How the run gets Codex to run unmanaged hooks. */
export type CodexTrust = 'none' | 'bypass' | 'state' | 'dialog';

/** Options of one Codex run. */
export interface CodexRun {
  readonly bin: string;
  readonly version: string;
  readonly kind: HookKind;
  readonly trust: CodexTrust;
  readonly sink: HookSink;
  readonly outDir: string;
  readonly home: string;
  readonly projectDir: string;
  /** Extra CLI args (e.g. `-c tools.update_plan.enabled=true`). */
  readonly args?: readonly string[];
  /** Latency mode: this many sandboxed `true` commands in a row. */
  readonly loop?: number;
}

/** Recursively key-sorted, compact JSON (Codex's `canonical_json` + `serde_json::to_vec`). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The trust hash Codex stores for one command hook: sha256 over the canonical JSON of
 * `{event_name, matcher?, hooks: [normalized handler]}` (`command_hook_hash` in
 * codex-rs/hooks/src/engine/discovery.rs, `version_for_toml` in codex-rs/config/src/fingerprint.rs).
 */
export function codexHookHash(event: string, command: string, timeoutSec: number, matcher?: string): string {
  const identity = { event_name: EVENT_LABEL[event], matcher: NO_MATCHER.has(event) ? undefined : matcher, hooks: [{ type: 'command', command, timeout: timeoutSec, async: false }] };
  return `sha256:${crypto.createHash('sha256').update(canonical(identity)).digest('hex')}`;
}

/** The TOML string literal of `text`. */
function tomlString(text: string): string {
  return JSON.stringify(text);
}

/** The `-c` arguments that add one forwarder hook per event (and, for `state`, trust them). */
export function codexHookArgs(run: Pick<CodexRun, 'kind' | 'trust' | 'sink' | 'loop'>): string[] {
  if (run.kind === 'none') return [];
  const kind = run.kind === 'curl' ? 'curl' : 'node';
  const events = run.loop ? ['PreToolUse', 'PostToolUse'] : CODEX_EVENTS;
  const args: string[] = [];
  const state: string[] = [];
  for (const event of events) {
    const command = forwarderCommand(run.sink, kind, event);
    args.push('-c', `hooks.${event}=[{hooks=[{type="command",command=${tomlString(command)},timeout=${HOOK_TIMEOUT_S}}]}]`);
    const key = `${SESSION_FLAGS_SOURCE}:${EVENT_LABEL[event]}:0:0`;
    state.push(`${tomlString(key)}={trusted_hash=${tomlString(codexHookHash(event, command, HOOK_TIMEOUT_S))}}`);
  }
  if (run.trust === 'state') args.push('-c', `hooks.state={${state.join(',')}}`);
  if (run.trust === 'bypass') args.push('--dangerously-bypass-hook-trust');
  // The legacy turn-end notifier: argv, with the JSON appended as the last argument.
  const notify = forwarderArgv(run.sink, kind, 'notify').map(tomlString).join(',');
  args.push('-c', `notify=[${notify}]`);
  return args;
}

/** The turn: reasoning + plan, escalated write (approval), plan, failing read, plan, text. */
function codexSteps(projectDir: string): ResponsesReply[] {
  const plan = (first: string, second: string) => ({
    name: 'update_plan',
    arguments: { explanation: 'Two small steps.', plan: [{ step: 'Write hello to out.txt', status: first }, { step: 'Read the notes', status: second }] },
  });
  return [
    { reasoning: 'The user wants two things done; a plan keeps them visible.', text: 'I will plan this first.', functionCall: plan('in_progress', 'pending') },
    { ...escalatedExec('echo hello > out.txt', 'Write hello to out.txt'), delayMs: 300 },
    { functionCall: plan('completed', 'in_progress') },
    { text: 'Now the notes.', functionCall: { name: 'exec_command', arguments: { cmd: `cat ${path.join(projectDir, 'missing-notes.md')}` } } },
    { functionCall: plan('completed', 'completed') },
    { text: 'All done: out.txt says hello, and there are no notes.' },
  ];
}

/** The composer once Codex is ready (0.169 and 0.171). */
const READY = /\n› [^\n]*\n\s*\n +\S[^\n]* · \/tmp\//;

/**
 * Runs one Codex session and copies its rollout files into `outDir/transcripts`.
 * @throws Error when a screen does not show up in time.
 */
export async function runCodex(run: CodexRun, log: (line: string) => void): Promise<void> {
  const steps = run.loop
    ? [...Array.from({ length: run.loop }, (): ResponsesReply => ({ functionCall: { name: 'exec_command', arguments: { cmd: 'true' } } })), { text: 'Loop done.' }]
    : codexSteps(run.projectDir);
  // One step per tool output since the last user message (a reply with text and a call is one step).
  const mock = await startMockResponses({
    script: (state) => {
      const input: any[] = state.body?.input ?? [];
      const typed = (item: any): boolean => item?.role === 'user' && !/^\s*(<|# AGENTS\.md)/.test(String(item?.content?.[0]?.text ?? ''));
      const lastUser = input.map(typed).lastIndexOf(true);
      const outputs = input.slice(lastUser + 1).filter((item) => /_call_output$/.test(String(item?.type))).length;
      return steps[outputs] ?? { text: 'Done.' };
    },
  });
  const env = await studyEnv('codex', { mockUrl: mock.url, home: run.home, projectDir: run.projectDir });
  const codexHome = env.env.CODEX_HOME;
  const args = [...codexHookArgs(run), ...(run.args ?? [])];
  fs.writeFileSync(path.join(run.outDir, 'args.json'), JSON.stringify(args, null, 2));
  const driver = PtyDriver.spawn({ command: run.bin, args, cols: 120, rows: 40, cwd: env.projectDir, env: env.env });
  const session = new StudySession(driver, run.outDir);
  try {
    if (run.trust !== 'bypass' && run.trust !== 'state' && run.kind !== 'none') {
      // Unmanaged hooks nobody trusted yet: Codex asks before the composer shows.
      await session.see(/Hooks need review[\s\S]*enter confirm/, 'hooks-review');
      await session.keys(run.trust === 'dialog' ? '2' : '3');
      await sleep(500);
      await session.keys('\r');
    }
    await session.see(READY, 'idle');
    if (run.loop) {
      await session.submit('Run true many times.', 600);
      await session.see(/Loop done\./, 'loop-done', 180_000);
      const summary = writeLatency(run.outDir, `codex ${run.version} ${run.kind}`, requestGaps(mock.mainRequests().map((request) => request.atMs)));
      log(`latency ${JSON.stringify(summary)}`);
    } else {
      await session.submit('Make a plan, write hello to out.txt, then read the notes.', 600);
      await session.see(/Press enter to confirm or esc to cancel/, 'approval');
      await sleep(3000);
      await session.keys('y');
      await session.see(/All done: out\.txt says hello[\s\S]*› /, 'done');
      await sleep(1500);
      await session.submit('/exit', 600);
    }
  } finally {
    await session.end();
    log(`codex ${run.version}: tools offered ${JSON.stringify(mock.mainRequests()[0]?.body?.tools?.map((tool: any) => tool.name ?? tool.type))}`);
    fs.writeFileSync(path.join(run.outDir, 'first-request.json'), JSON.stringify(mock.mainRequests()[0]?.body ?? {}, null, 2));
    fs.writeFileSync(path.join(run.outDir, 'model-input.json'), JSON.stringify(mock.mainRequests().at(-1)?.body?.input ?? [], null, 2));
    copyMatching(codexHome, path.join(run.outDir, 'transcripts'), /\.jsonl$|config\.toml$/);
    // Ends Codex's detached app-server too (it carries the environment's id).
    log(`codex processes left: ${env.processes().length}`);
    env.cleanup();
    await mock.close();
  }
}
