/**
 * The voices study: runs a real agent CLI against the mock model with per-session hooks that
 * post to a local sink, and keeps what the agent itself said (hook payloads, transcript files,
 * screens) under `<out>/<cli>/<version>/<kind>/`. Run inside a loopback-only namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/voices/studyVoices.js <cli> <bin> <version> <kind> [out]'
 * `kind` is http | node | curl | none (see study.ts); `bin` is the CLI's executable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runClaude } from './claudeVoice.js';
import { runCodex, type CodexTrust } from './codexVoice.js';
import { runGemini } from './geminiVoice.js';
import { runOpencode } from './opencodeVoice.js';
import { runQwen } from './qwenVoice.js';
import { startHookSink } from './hookSink.js';
import { captureDir, writeHookCalls, type HookKind } from './study.js';

/** Fixed temp dirs, so one redaction table covers every capture. */
export const STUDY_ROOT = '/tmp/tether-voices';

async function main(): Promise<void> {
  const [cli, bin, version, kind, out = '/work/research/voices-raw'] = process.argv.slice(2);
  if (!cli || !bin || !version || !kind) throw new Error('usage: studyVoices <cli> <bin> <version> <kind> [out]');
  const outDir = captureDir(out, cli, version, `${kind}${process.env.VOICES_RUN ?? ''}`);
  const home = path.join(STUDY_ROOT, cli, 'home');
  const projectDir = path.join(STUDY_ROOT, cli, 'project');
  const sink = await startHookSink();
  // VOICES_AWAY=1: the daemon is away (the sink's port is closed): what does the CLI do then?
  if (process.env.VOICES_AWAY === '1') await sink.close();
  const logFile = path.join(outDir, 'log.txt');
  const log = (line: string): void => fs.appendFileSync(logFile, `${line}\n`);
  try {
    const extraEnv = Object.fromEntries((process.env.VOICES_ENV ?? '').split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
    const common = { bin, version, kind: kind as HookKind, sink, outDir, home, projectDir };
    if (cli === 'claude') await runClaude({ ...common, execForm: process.env.VOICES_EXEC_FORM === '1', args: process.env.VOICES_ARGS?.split(' ').filter(Boolean), extraEnv, loop: Number(process.env.VOICES_LOOP ?? 0) }, log);
    else if (cli === 'codex') await runCodex({ ...common, trust: (process.env.VOICES_TRUST ?? 'none') as CodexTrust, args: process.env.VOICES_ARGS?.split(' ').filter(Boolean), loop: Number(process.env.VOICES_LOOP ?? 0) }, log);
    else if (cli === 'gemini') await runGemini({ ...common, via: process.env.VOICES_VIA === 'extension' ? 'extension' : 'system', args: process.env.VOICES_ARGS?.split(' ').filter(Boolean), loop: Number(process.env.VOICES_LOOP ?? 0) }, log);
    else if (cli === 'qwen') await runQwen({ ...common, extraSettings: process.env.VOICES_SETTINGS ? JSON.parse(process.env.VOICES_SETTINGS) : undefined, loop: Number(process.env.VOICES_LOOP ?? 0) }, log);
    else if (cli === 'opencode') await runOpencode({ ...common, loop: Number(process.env.VOICES_LOOP ?? 0) }, log);
    else throw new Error(`unknown cli ${cli}`);
  } finally {
    writeHookCalls(sink, outDir);
    if (process.env.VOICES_AWAY !== '1') await sink.close();
    console.log(`${cli} ${version} ${kind}: ${sink.calls.length} hook calls -> ${outDir}`);
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exitCode = 1;
});
