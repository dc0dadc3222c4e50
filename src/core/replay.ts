/**
 * Replay: feeds an asciicast recording through the live detection pipeline on a virtual
 * clock (cast time), so the same file gives the same events every time. `o` events are
 * output, `i` events are keystrokes or terminal replies (classified the same way as live
 * input), `r` events resize the screen, `h` (hook payloads) and `t` (transcript lines) are read
 * by the CLI's witnesses and cross-checked with the screen as live (crossCheck.ts).
 */
import type { AgentEvent, CliType, HookDetails, IDriftSink, WaitingClearedEvent, WaitingForInputEvent } from '../common/index.js';
import { getCli } from '../../parsers/index.js';
import { DetectionPipeline } from './detectionPipeline.js';
import { VirtualClock } from './clocks.js';

/** Time after the last cast event that pending evaluations may still fire (ms). */
const TAIL_MS = 2000;

/** The parts of an asciicast v2 recording replay needs. */
export interface ReplayInput {
  readonly header: { readonly width: number; readonly height: number };
  readonly events: ReadonlyArray<readonly [number, string, string]>;
}

/** One detected edge, `at` in cast seconds. */
export interface ReplayEvent {
  readonly at: number;
  readonly type: 'waiting_for_input' | 'waiting_cleared';
  readonly wait_type?: string;
  readonly prompt_id: string;
  readonly options?: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly prompt_content?: string;
  readonly cause?: string;
  /** `low` for a prompt the fallback reader read (the CLI's parser saw nothing). */
  readonly confidence?: 'low';
  /** The prompt's subtype (`trust_folder`, `api_key`, a tool name), when the parser read one. */
  readonly kind?: string;
  /** True when the answer is a secret (an API-key box). */
  readonly sensitive?: true;
  /** The tool a tool approval is for, when known. */
  readonly tool_name?: string;
  /** `hook` for a prompt only the CLI's permission hook announced. */
  readonly source?: 'hook';
  /** What the CLI's permission hook said about it. */
  readonly hook_details?: HookDetails;
}

/** Options for a replay. */
export interface ReplayOptions {
  readonly cli: CliType | 'auto';
  /** Splits every output event into random pieces (same timestamps) using this seed. */
  readonly rechunkSeed?: number;
  /**
   * Applies each piece through xterm's asynchronous write and waits for it (one timer tick per
   * piece): the reference the default synchronous path is compared with. Default false.
   */
  readonly awaitEachWrite?: boolean;
  /** The CLI-agnostic fallback reader runs where the parser sees nothing (default true). */
  readonly fallback?: boolean;
  /** The CLI's parser reads nothing: only the fallback reader reports (evaluation, tests). */
  readonly parserOff?: boolean;
  /** Where drift seen during the replay is reported. */
  readonly drift?: IDriftSink;
  /** The session had its CLI's hooks injected (default: when the cast holds hook payloads, `h`). */
  readonly hooks?: boolean;
}

/** A small deterministic PRNG (mulberry32) for re-chunking. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `data` into 1–4 pieces at code point boundaries. */
function rechunk(data: string, next: () => number): string[] {
  const chars = Array.from(data);
  const pieces: string[] = [];
  let at = 0;
  while (at < chars.length) {
    const size = Math.max(1, Math.floor(next() * Math.max(1, chars.length / 2)));
    pieces.push(chars.slice(at, at + size).join(''));
    at += size;
  }
  return pieces;
}

function toReplayEvent(event: WaitingForInputEvent | WaitingClearedEvent, atMs: number): ReplayEvent {
  const at = Math.round(atMs) / 1000;
  if (event.type === 'waiting_cleared') return { at, type: event.type, prompt_id: event.prompt_id, cause: event.cause };
  return {
    at,
    type: event.type,
    wait_type: event.wait_type,
    prompt_id: event.prompt_id,
    options: event.options.map((o) => ({ id: o.id, label: o.label })),
    prompt_content: event.prompt_content,
    ...(event.confidence ? { confidence: event.confidence } : {}),
    ...(event.kind !== undefined ? { kind: event.kind } : {}),
    ...(event.sensitive ? { sensitive: true as const } : {}),
    ...(event.tool_name !== undefined ? { tool_name: event.tool_name } : {}),
    ...(event.source ? { source: event.source } : {}),
    ...(event.hook_details ? { hook_details: event.hook_details } : {}),
  };
}

/** The agent events of one recorded `h` or `t` event, as the CLI's witness reads them (none when it has none or the JSON is bad). */
function witnessEvents(cli: CliType, code: 'h' | 't', data: string): readonly AgentEvent[] {
  const witnesses = getCli(cli).witnesses;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return [];
  }
  return (code === 'h' ? witnesses?.hooks?.read(value) : witnesses?.transcript?.read(value)) ?? [];
}

/** Replays a recording and returns the waiting edges it produces. */
export async function replayCast(cast: ReplayInput, options: ReplayOptions): Promise<ReplayEvent[]> {
  const clock = new VirtualClock(0);
  let seq = 0;
  const pipeline = new DetectionPipeline({
    sessionId: 'replay',
    cli: options.cli,
    cols: cast.header.width,
    rows: cast.header.height,
    clock,
    nextSeq: () => ++seq,
    ...(options.fallback !== undefined ? { fallback: options.fallback } : {}),
    ...(options.parserOff ? { parserOff: true } : {}),
    ...(options.drift ? { drift: options.drift } : {}),
    // A recording with hook payloads was made with the CLI's hooks injected.
    hooksExpected: options.hooks ?? cast.events.some((event) => event[1] === 'h'),
  });
  const out: ReplayEvent[] = [];
  pipeline.onEvent((event) => out.push(toReplayEvent(event, clock.now())));
  const next = options.rechunkSeed !== undefined ? random(options.rechunkSeed) : undefined;
  // Each piece is applied at its own cast time, as live: the screen a timer reads holds exactly
  // the output recorded before it. Parsing synchronously spares the timer tick that xterm's
  // asynchronous write costs per piece (most of the replay time otherwise).
  const sync = !options.awaitEachWrite && pipeline.screen.canWriteSync;
  const write = (data: string) => (sync ? pipeline.writeSync(data) : new Promise<void>((resolve) => pipeline.write(data, resolve)));
  let lastMs = 0;
  try {
    for (const [seconds, code, data] of cast.events) {
      lastMs = Math.max(lastMs, seconds * 1000);
      clock.advanceTo(lastMs);
      if (code === 'o') {
        for (const piece of next ? rechunk(data, next) : [data]) await write(piece);
      } else if (code === 'i') {
        pipeline.input(data);
      } else if (code === 'h' || code === 't') {
        for (const event of witnessEvents(pipeline.cliType, code, data)) pipeline.evidence(event);
      } else if (code === 'r') {
        const match = /^(\d+)x(\d+)$/.exec(data);
        if (match) pipeline.resize(Number(match[1]), Number(match[2]));
      }
    }
    clock.advanceTo(lastMs + TAIL_MS);
  } finally {
    pipeline.dispose();
  }
  return out;
}
