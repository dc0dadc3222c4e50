/**
 * The session host protocol (daemon ⇄ host over the host's unix socket): length-prefixed frames,
 * each a kind byte and a payload. Output and input travel as bytes (no JSON escaping on the data
 * path); control messages are JSON, validated with zod. Versioned: the daemon says the highest
 * version it speaks in `hello`, the host answers with the version both speak, and both send only
 * that version's messages from then on (an unknown message ends the connection), so a newer
 * daemon attaches to the hosts an older one left (the tray app's update path; tested in
 * test/sessionHost.test.ts against the version 1 host as it shipped).
 *
 * Version 1: output frames are whole UTF-8 text (the host decoded the terminal's bytes), and
 * output offsets (`offset`, `replay_from`, a checkpoint's `offset`) count UTF-16 units.
 * Version 2: output frames are the terminal's bytes as read (a frame may end inside a multi-byte
 * character: the daemon decodes the stream, not each frame), and offsets count those bytes. The
 * messages are the same.
 */
import { z } from 'zod';
import { TetherError } from '../common/index.js';

/** The host protocol this build speaks (and the highest it accepts). Bump on any incompatible change. */
export const HOST_PROTOCOL_VERSION = 2;
/** The oldest host protocol this build's daemon can still attach to (the tray app's update path: a newer daemon, older hosts). */
export const MIN_HOST_PROTOCOL_VERSION = 1;
/**
 * The oldest daemon protocol this build's host serves: its ring holds bytes, so it cannot give a
 * version 1 daemon UTF-16 offsets (an older daemon never meets a newer host on the update path).
 */
export const MIN_SERVED_PROTOCOL_VERSION = 2;
/** Largest frame accepted (bytes): a checkpoint of a full 5000-line screen is a few MB; anything past this is a broken peer. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** Frame kinds (the byte after the length). */
export const FrameKind = { control: 0, output: 1, input: 2 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Bytes of the frame header: a u32 big-endian length of kind + payload, then the kind byte. */
const HEADER_BYTES = 5;

/** What a session is, as the host knows it (no environment: that goes to the host on stdin only). */
export const hostSessionSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  command: z.string(),
  file: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
  cols: z.number().int().positive(),
  rows: z.number().int().positive(),
  cli: z.string(),
  cli_version: z.string().optional(),
  created_at: z.string(),
});
export type HostSession = z.infer<typeof hostSessionSchema>;

/** What the daemon writes on the host's stdin. */
export const hostLaunchSchema = z.object({
  session: hostSessionSchema,
  env: z.record(z.string(), z.string()),
  dir: z.string(),
  secret: z.string().min(32),
  /** Ring bound (bytes). */
  ring_bytes: z.number().int().positive().optional(),
  orphan_exit_ms: z.number().int().nonnegative(),
  kill_grace_ms: z.number().int().nonnegative(),
});
export type HostLaunch = z.infer<typeof hostLaunchSchema>;

const exitSchema = z.object({ exit_code: z.number().int(), signal: z.number().int().optional() });
export type HostExit = z.infer<typeof exitSchema>;

const checkpointSchema = z.object({ offset: z.number().int().nonnegative(), screen: z.string() });
export type HostCheckpoint = z.infer<typeof checkpointSchema>;

/** Daemon → host control messages. */
export const daemonMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), v: z.number().int().positive(), secret: z.string() }),
  z.object({ t: z.literal('resize'), cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }),
  z.object({ t: z.literal('signal'), signal: z.enum(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP']) }),
  /** The daemon will issue no seq above `seq` before it leases more: a new daemon starts above it. */
  z.object({ t: z.literal('lease'), seq: z.number().int().nonnegative() }),
  /** The daemon's serialised screen as of output offset `offset`: the ring may drop what is older. */
  z.object({ t: z.literal('checkpoint'), ...checkpointSchema.shape }),
  /** The daemon has the exit and the last output: the host may clean up and go. */
  z.object({ t: z.literal('release') }),
]);
export type DaemonMessage = z.infer<typeof daemonMessageSchema>;

/** Host → daemon control messages. */
export const hostMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('welcome'),
    v: z.number().int().positive(),
    session: hostSessionSchema,
    host_pid: z.number().int(),
    agent_pid: z.number().int(),
    /** Output offset (bytes since start; UTF-16 units in version 1) at which the replay that follows ends and live output begins. */
    offset: z.number().int().nonnegative(),
    /** Offset of the first replayed byte (unit in version 1). */
    replay_from: z.number().int().nonnegative(),
    /** The screen the replay applies on top of, when the daemon left one. */
    checkpoint: checkpointSchema.optional(),
    /** True when the ring dropped output between the checkpoint (or the start) and `replay_from`. */
    gap: z.boolean(),
    /** The highest seq the previous daemon leased; 0 for none. */
    seq_lease: z.number().int().nonnegative(),
    /** The agent already exited (its output is all in the replay). */
    exit: exitSchema.optional(),
  }),
  z.object({ t: z.literal('exit'), ...exitSchema.shape }),
  z.object({ t: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;
export type HostWelcome = Extract<HostMessage, { t: 'welcome' }>;

/** One frame as JSON control. */
export function controlFrame(message: DaemonMessage | HostMessage): Buffer {
  return frame(FrameKind.control, Buffer.from(JSON.stringify(message), 'utf8'));
}

/** One frame carrying `text` (input) as UTF-8: one buffer, encoded in place. */
export function dataFrame(kind: typeof FrameKind.output | typeof FrameKind.input, text: string): Buffer {
  const bytes = Buffer.byteLength(text, 'utf8');
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + bytes);
  buffer.writeUInt32BE(bytes + 1, 0);
  buffer.writeUInt8(kind, 4);
  buffer.write(text, HEADER_BYTES, 'utf8');
  return buffer;
}

/** The header of an output frame of `bytes` payload bytes (the payload follows it on the stream as is). */
export function outputFrameHeader(bytes: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(bytes + 1, 0);
  header.writeUInt8(FrameKind.output, 4);
  return header;
}

function frame(kind: FrameKind, payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(payload.length + 1, 0);
  header.writeUInt8(kind, 4);
  return Buffer.concat([header, payload]);
}

/** A decoded frame (of a streamed kind: one piece of a frame's payload, in order). */
export interface Frame {
  readonly kind: FrameKind;
  readonly payload: Buffer;
}

/**
 * Splits a byte stream into frames, whatever the chunking. Frames of the kinds named `streamed`
 * (the daemon's output frames: a byte stream whose frame edges mean nothing) come out piece by
 * piece as their bytes arrive, each piece a view into the chunk it came in, so no output byte is
 * copied; other frames come out whole (a frame split between chunks is joined once).
 */
export class FrameDecoder {
  private readonly _streamed: ReadonlySet<FrameKind>;
  /** Bytes of an unfinished header or unstreamed frame, from earlier chunks. */
  private _pending: Buffer[] = [];
  private _pendingBytes = 0;
  /** Bytes the pending frame needs in all before it is worth joining (its header, then its whole length). */
  private _need = HEADER_BYTES;
  /** Payload bytes of the streamed frame in progress still to come, and its kind. */
  private _streamLeft = 0;
  private _streamKind: FrameKind = FrameKind.output;

  constructor(options: { readonly streamed?: readonly FrameKind[] } = {}) {
    this._streamed = new Set(options.streamed ?? []);
  }

  /**
   * Adds bytes; returns the frames (and streamed pieces) now complete.
   * @throws TetherError BAD_MESSAGE for a frame longer than MAX_FRAME_BYTES, empty, or of an unknown kind
   */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    if (this._pendingBytes > 0) {
      this._pending.push(chunk);
      this._pendingBytes += chunk.length;
      if (this._pendingBytes < this._need) return frames;
      chunk = Buffer.concat(this._pending, this._pendingBytes);
      this._pending = [];
      this._pendingBytes = 0;
    }
    let at = 0;
    while (at < chunk.length) {
      if (this._streamLeft > 0) {
        const end = Math.min(chunk.length, at + this._streamLeft);
        frames.push({ kind: this._streamKind, payload: chunk.subarray(at, end) });
        this._streamLeft -= end - at;
        at = end;
        continue;
      }
      if (chunk.length - at < HEADER_BYTES) break;
      const length = chunk.readUInt32BE(at);
      if (length < 1 || length > MAX_FRAME_BYTES) throw new TetherError('BAD_MESSAGE', `host frame of ${length} bytes`);
      const kind = chunk.readUInt8(at + 4);
      if (kind !== FrameKind.control && kind !== FrameKind.output && kind !== FrameKind.input) throw new TetherError('BAD_MESSAGE', `host frame of kind ${kind}`);
      if (this._streamed.has(kind)) {
        this._streamKind = kind;
        this._streamLeft = length - 1;
        at += HEADER_BYTES;
        continue;
      }
      if (chunk.length - at < 4 + length) break;
      frames.push({ kind, payload: chunk.subarray(at + HEADER_BYTES, at + 4 + length) });
      at += 4 + length;
    }
    if (at < chunk.length) {
      const rest = chunk.subarray(at);
      this._pending = [rest];
      this._pendingBytes = rest.length;
      this._need = rest.length >= HEADER_BYTES ? 4 + rest.readUInt32BE(0) : HEADER_BYTES;
    }
    return frames;
  }
}

/**
 * Parses a control frame's payload with `schema`.
 * @throws TetherError BAD_MESSAGE when it is not JSON or fails the schema
 */
export function parseControl<T>(payload: Buffer, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new TetherError('BAD_MESSAGE', 'host control frame is not JSON', { cause: err });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TetherError('BAD_MESSAGE', `bad host control frame: ${parsed.error.issues[0]?.message ?? 'schema'}`);
  return parsed.data;
}
