/**
 * Turns the voices study's raw captures into test data: for each chosen run, one redacted
 * `*.hook.json` per distinct hook event (and tool), the ordered hook sequence, and redacted
 * transcript excerpts, under test/data/voices/<cli>/<version>/.
 *   node dist/test/record/voices/exportSamples.js [raw-dir]
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/repoRoot.js';
import type { HookCall } from './hookSink.js';
import { listFiles } from './study.js';
import { redactJson, redactJsonl } from './redact.js';
import { SAMPLE_EXPORTS, THIN_KEEP, type SampleExport } from './sampleExports.js';

const OUT_ROOT = path.join(REPO_ROOT, 'test/data/voices');

/** The file-name key of a hook call: event, plus the tool or the part type where there is one. */
export function hookKey(call: HookCall): string {
  const body = call.body as any;
  const [source, event] = call.label.split('/');
  const tool = body?.tool_name ?? body?.input?.tool ?? body?.properties?.part?.tool;
  const part = body?.properties?.part?.type;
  const status = body?.properties?.part?.state?.status;
  const pieces = [source === 'sse' || source === 'plugin' ? `${source}.${event}` : event];
  if (part) pieces.push(part);
  if (tool) pieces.push(String(tool));
  if (status) pieces.push(status);
  return pieces.join('.').replace(/[^A-Za-z0-9._-]/g, '_');
}

function writeHooks(spec: SampleExport, raw: string, out: string): number {
  const calls: HookCall[] = JSON.parse(fs.readFileSync(path.join(raw, 'hooks.json'), 'utf8'));
  const skip = new Set(spec.skipEvents ?? []);
  const kept = calls.filter((call) => !skip.has(call.label.split('/')[1]));
  const seen = new Map<string, number>();
  const keepAll = new Set(spec.keepAll ?? []);
  let written = 0;
  for (const call of kept) {
    const base = `${spec.prefix ?? ''}${hookKey(call)}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const every = keepAll.has(call.label.split('/')[1]);
    if (count > 1 && !every) continue;
    const key = every ? `${base}.${count}` : base;
    fs.writeFileSync(path.join(out, `${key}.hook.json`), `${JSON.stringify(redactJson(call.body, spec.cli, REPO_ROOT), null, 2)}\n`);
    written += 1;
  }
  // The order of a turn's hooks, for tests of pairing and of turn ends (labels and keys only).
  const sequence = kept.map((call) => ({ via: call.label.split('/')[0], key: hookKey(call) }));
  fs.writeFileSync(path.join(out, `${spec.prefix ?? ''}hooks.sequence.json`), `${JSON.stringify(sequence, null, 1)}\n`);
  if (spec.eventsJsonl) {
    const text = kept.map((call) => JSON.stringify(call.body)).join('\n');
    fs.writeFileSync(path.join(out, `${spec.prefix ?? ''}events.jsonl`), redactJsonl(text, spec.cli, REPO_ROOT));
  }
  return written;
}

/** Keeps the first `keep` lines of each kind `thin` matches (its first group), and every other line. */
export function thinLines(text: string, thin: RegExp, keep = THIN_KEEP): string {
  const seen = new Map<string, number>();
  return text
    .split('\n')
    .filter((line) => {
      const kind = thin.exec(line)?.[1];
      if (kind === undefined) return true;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      return seen.get(kind)! <= keep;
    })
    .join('\n');
}

function writeTranscripts(spec: SampleExport, raw: string, out: string): string[] {
  const written: string[] = [];
  const dir = path.join(raw, 'transcripts');
  for (const { from, to, lines, drop, thin, thinKeep } of spec.transcripts ?? []) {
    const file = listFiles(dir).find((entry) => from.test(entry));
    if (!file) throw new Error(`${spec.cli} ${spec.version} ${spec.run}: no transcript matches ${from}`);
    let text = fs.readFileSync(path.join(dir, file), 'utf8');
    if (lines) text = text.split('\n').filter((line) => lines.test(line)).join('\n');
    if (drop) text = text.split('\n').filter((line) => !drop.test(line)).join('\n');
    if (thin) text = thinLines(text, thin, thinKeep);
    fs.writeFileSync(path.join(out, to), redactJsonl(text, spec.cli, REPO_ROOT));
    written.push(to);
  }
  return written;
}

function main(): void {
  const rawRoot = process.argv[2] ?? '/work/research/voices-raw';
  for (const spec of SAMPLE_EXPORTS) {
    const raw = path.join(rawRoot, spec.cli, spec.version, spec.run);
    const out = path.join(OUT_ROOT, spec.cli, spec.version);
    fs.mkdirSync(out, { recursive: true });
    const hooks = spec.hooks === false ? 0 : writeHooks(spec, raw, out);
    const transcripts = writeTranscripts(spec, raw, out);
    console.log(`${spec.cli} ${spec.version} ${spec.run}: ${hooks} hook samples, ${transcripts.join(', ') || 'no transcripts'}`);
  }
}

main();
