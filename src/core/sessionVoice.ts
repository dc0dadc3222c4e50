/**
 * The agent's own voice for one session: prepares its hook injection before the spawn (a
 * per-session secret, a private run folder with the CLI's settings file, args and env from
 * the CLI's descriptor), then takes hook payloads (the events endpoint) and tails its
 * transcript once the conversation id is known, feeding both to an AgentVoice.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Disposable } from '../common/index.js';
import type { AgentEvent, IClock, IDisposable, SessionEvent } from '../common/index.js';
import type { AgentWitnesses } from '../../parsers/index.js';
import { AgentVoice } from './agentVoice.js';
import { TranscriptTail } from './transcriptTail.js';
import { findTranscript } from './transcriptSearch.js';
import { EventStreamTail } from './eventStreamTail.js';

/** How often a transcript whose name the CLI chooses is looked for until found (ms). */
const SEARCH_POLL_MS = 1000;

/** The environment variable holding a session's hook secret (the CLI's HTTP hooks and the forwarder send it). */
export const HOOK_TOKEN_ENV = 'TETHER_HOOK_TOKEN';
/** The environment variable holding the session's events URL (for the forwarder). */
export const HOOK_URL_ENV = 'TETHER_HOOK_URL';
/** Owner-only modes for the run folder and its files. */
const PRIVATE_FILE_MODE = 0o600;

/** Where the daemon takes hook events: its loopback base URL and the forwarder's argv. */
export interface VoiceEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** `tether hook` by absolute paths (node and the script), so it runs whether or not `tether` is on PATH. */
  readonly forwarder: readonly string[];
}

/** One session's injection, ready for the spawn. */
export interface PreparedVoice {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The session's hook secret. */
  readonly token: string;
  /** The private run folder (removed with the session). */
  readonly runDir: string;
  readonly conversationId?: string;
  /** The agent's environment as spawned (where a CLI keeps its transcripts: `CODEX_HOME`). */
  readonly agentEnv: Readonly<Record<string, string | undefined>>;
  /** The loopback port the CLI's own event server was put on (EventStreamWitness), when it was. */
  readonly streamPort?: number;
  /** The daemon base URL the hooks were given (VoiceEndpoint.baseUrl). */
  readonly hookUrl?: string;
}

/**
 * Builds one session's hook injection: writes the CLI's files (0600) into a new 0700 folder.
 * @returns undefined when the CLI has no hook witness or no endpoint is known
 * @throws Error when the run folder cannot be written (the caller spawns without hooks)
 */
export function prepareVoice(
  witnesses: AgentWitnesses | undefined,
  session: { id: string; args: readonly string[]; env?: Readonly<Record<string, string | undefined>>; port?: number },
  endpoint: VoiceEndpoint | undefined,
): PreparedVoice | undefined {
  const hooks = witnesses?.hooks;
  if (!hooks || !endpoint) return undefined;
  const eventsUrl = `${endpoint.baseUrl}/api/sessions/${session.id}/events`;
  const env = session.env ?? {};
  const injection = hooks.inject({ eventsUrl, tokenEnv: HOOK_TOKEN_ENV, forwarder: endpoint.forwarder, conversationId: randomUUID(), args: session.args, env, platform: process.platform, readFile: readSmallFile, sha256 });
  const runDir = mkdtempSync(join(tmpdir(), 'tether-run-'));
  try {
    for (const file of injection.files) {
      const path = join(runDir, file.name);
      writeFileSync(path, file.content, { mode: PRIVATE_FILE_MODE });
      chmodSync(path, PRIVATE_FILE_MODE);
    }
  } catch (err) {
    rmSync(runDir, { recursive: true, force: true });
    throw err;
  }
  const token = randomBytes(32).toString('base64url');
  const fill = (value: string): string => value.replaceAll('{runDir}', runDir).replaceAll('{token}', token).replaceAll('{port}', String(session.port ?? 0));
  const injectedEnv = Object.fromEntries(Object.entries(injection.env).map(([name, value]) => [name, fill(value)]));
  return {
    args: injection.args.map(fill),
    env: { ...injectedEnv, [HOOK_TOKEN_ENV]: token, [HOOK_URL_ENV]: eventsUrl },
    token,
    runDir,
    ...(injection.conversationId !== undefined ? { conversationId: injection.conversationId } : {}),
    agentEnv: { ...env, ...injectedEnv },
    ...(session.port !== undefined && injection.args.includes('{port}') ? { streamPort: session.port } : {}),
    hookUrl: endpoint.baseUrl,
  };
}

/** How long a port handed to a CLI is not handed out again (ms): its start-up, with room (OpenCode 1.18.33 binds 10–17 s after the spawn under load, observed). */
const PORT_HOLD_MS = 5 * 60_000;
/** How often a port already handed out is drawn again before giving up. */
const PORT_TRIES = 20;
/** Ports handed out recently (port → when), so two sessions started close together never share one. */
const handedOut = new Map<number, number>();

/** A port the OS hands out for `listen(0)` on 127.0.0.1, released again. @throws Error when none can be bound */
function osLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A TCP port free on 127.0.0.1 now and not handed to another session in the last PORT_HOLD_MS
 * (for a CLI's own event server). The port is released before the CLI binds it: another
 * program could take it meanwhile (OpenCode 1.18.33 then never draws its TUI, observed), which
 * the ports the OS hands out for `listen(0)` make unlikely, and which the stream tail reports
 * as a refused password when the other program asks for one.
 * @param options `now` (ms) and `draw` (where candidate ports come from), for tests
 * @throws Error when no port can be bound, or only ports handed out already
 */
export async function freeLoopbackPort(options: { readonly now?: number; readonly draw?: () => Promise<number> } = {}): Promise<number> {
  const now = options.now ?? Date.now();
  for (const [port, at] of handedOut) if (now - at > PORT_HOLD_MS) handedOut.delete(port);
  for (let tries = 0; tries < PORT_TRIES; tries += 1) {
    const port = await (options.draw ?? osLoopbackPort)();
    if (handedOut.has(port)) continue;
    handedOut.set(port, now);
    return port;
  }
  throw new Error('no loopback port free that no session holds');
}

/** SHA-256 of a UTF-8 text, lowercase hex. @throws never */
function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A file an injection carries over (a system settings file, at most 1 MiB), or undefined. @throws never */
function readSmallFile(path: string): string | undefined {
  try {
    return statSync(path).size <= 1 << 20 ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** What a SessionVoice needs. */
export interface SessionVoiceOptions {
  readonly sessionId: string;
  readonly clock: IClock;
  readonly nextSeq: () => number;
  readonly emit: (event: SessionEvent) => void;
  readonly witnesses: AgentWitnesses;
  readonly prepared: PreparedVoice;
  /** The agent's home (its `HOME`) and cwd: where its transcript is. */
  readonly home: string;
  readonly cwd: string;
  /** A turn ended: true when another part reports it (AgentVoiceOptions.turnEnded). */
  readonly turnEnded?: (status: 'ok' | 'error') => boolean;
  /** Skipped input (bad transcript lines), for the log. */
  readonly onSkip?: (reason: string) => void;
  /** The agent's SessionStart named its conversation (first, or a new id). */
  readonly onConversation?: (conversationId: string) => void;
  /**
   * True while the screen shows a prompt other than the idle input (a tool approval): a file's
   * candidate turn end (TranscriptWitness.settleTurnEndMs) waits then, since the CLI writes the
   * tool call only once it ran.
   */
  readonly holdTurnEnd?: () => boolean;
  /** Every event a witness said (hook payload or transcript line), before de-duplication: the screen's cross-check. */
  readonly onEvents?: (events: readonly AgentEvent[], raw: { readonly kind: 'hook' | 'transcript' | 'stream'; readonly value: unknown }) => void;
}

/** One session's hooks and transcript, until disposed (at the session's exit). */
export class SessionVoice extends Disposable {
  readonly voice: AgentVoice;
  private _tail: TranscriptTail | undefined;
  private _search: ReturnType<typeof setInterval> | undefined;
  /** A candidate turn end of a file without turn-end lines, until it settles. */
  private _settling: IDisposable | undefined;
  private readonly _startedAt: number;
  private _keepRunDir = false;

  constructor(private readonly _options: SessionVoiceOptions) {
    super();
    this._startedAt = _options.clock.now();
    this.voice = this._register(
      new AgentVoice(
        { sessionId: _options.sessionId, clock: _options.clock, nextSeq: _options.nextSeq, emit: _options.emit, ...(_options.turnEnded ? { turnEnded: _options.turnEnded } : {}) },
        _options.prepared.conversationId,
      ),
    );
    this._register(this.voice.onConversation((id) => (this._follow(id), _options.onConversation?.(id))));
    this._register({ dispose: () => (this._tail?.dispose(), clearInterval(this._search), this._settling?.dispose(), this._keepRunDir || rmSync(_options.prepared.runDir, { recursive: true, force: true })) });
    if (_options.prepared.conversationId !== undefined) this._follow(_options.prepared.conversationId);
    const stream = _options.witnesses.stream;
    if (stream && _options.prepared.streamPort !== undefined) {
      this._register(
        new EventStreamTail({
          url: `http://127.0.0.1:${_options.prepared.streamPort}${stream.path}`,
          user: stream.user,
          password: _options.prepared.token,
          onEvent: (event) => this._streamEvents(stream.read(event, this.voice.conversationId), event),
          onSkip: (reason) => _options.onSkip?.(reason),
        }),
      );
    }
  }

  /** The CLI's conversation id, once known. */
  get conversationId(): string | undefined {
    return this.voice.conversationId;
  }

  /** The agent outlives this daemon (a session host keeps it): its run folder (settings file) stays for the next. */
  keepRunDir(): void {
    this._keepRunDir = true;
  }

  /** One hook payload (the CLI's raw JSON) → the events it says. @returns how many. @throws never */
  hook(payload: unknown): readonly AgentEvent[] {
    const events = this._options.witnesses.hooks?.read(payload) ?? [];
    this.voice.ingest(events);
    this._options.onEvents?.(events, { kind: 'hook', value: payload });
    return events;
  }

  /** Events of the CLI's own event stream: to the voice and, like hooks, to the screen's cross-check. */
  private _streamEvents(events: readonly AgentEvent[], value: unknown): void {
    this.voice.ingest(events);
    if (events.length > 0) this._options.onEvents?.(events, { kind: 'stream', value });
  }

  /** Tails the conversation's transcript (never another's: the path comes from the id, not from the hook). */
  private _follow(conversationId: string): void {
    const transcript = this._options.witnesses.transcript;
    const found = transcript?.locate({ home: this._options.home, cwd: this._options.cwd, conversationId, env: this._options.prepared.agentEnv });
    if (!transcript || found === undefined) return;
    this._tail?.dispose();
    this._tail = undefined;
    clearInterval(this._search);
    if (typeof found === 'string') return this._tailFile(found, transcript);
    // The CLI names the file at start: look for it until it is there (searches never overlap).
    let busy = false;
    const look = async (): Promise<void> => {
      if (busy || this.isDisposed) return;
      busy = true;
      const path = await findTranscript(found);
      busy = false;
      if (path === undefined || this.isDisposed || this.conversationId !== conversationId || this._tail) return;
      clearInterval(this._search);
      this._tailFile(path, transcript);
    };
    this._search = setInterval(() => void look(), SEARCH_POLL_MS);
    this._search.unref();
    void look();
  }

  private _tailFile(path: string, transcript: NonNullable<AgentWitnesses['transcript']>): void {
    this._tail = new TranscriptTail({
      path,
      startedAtMs: this._startedAt,
      onLine: (line) => this._transcriptEvents(transcript.read(line), line, transcript.settleTurnEndMs),
      onSkip: (reason) => this._options.onSkip?.(reason),
    });
  }

  /** A transcript line's events; with `settleMs`, its turn end waits that long and is dropped when more comes first. */
  private _transcriptEvents(events: readonly AgentEvent[], line: unknown, settleMs: number | undefined): void {
    const take = (taken: readonly AgentEvent[]): void => {
      this.voice.ingest(taken);
      if (taken.length > 0) this._options.onEvents?.(taken, { kind: 'transcript', value: line });
    };
    if (settleMs === undefined) return take(events);
    if (events.length > 0) this._settling?.dispose();
    const ends = events.filter((event) => event.kind === 'turn_end');
    take(events.filter((event) => event.kind !== 'turn_end'));
    if (ends.length === 0) return;
    // On the session's clock, so a replay settles at the same virtual time; held while a dialog is up.
    const settle = (): void => {
      if (this.isDisposed) return;
      if (this._options.holdTurnEnd?.() === true) this._settling = this._options.clock.setTimeout(settle, settleMs);
      else take(ends);
    };
    this._settling = this._options.clock.setTimeout(settle, settleMs);
  }
}

/** Environment variables a transcript may be found by (`HOME`, `XDG_*`, `*_HOME`): all of its environment a hook secret record keeps. */
export function folderEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && /^(?:HOME|XDG_[A-Z_]+|[A-Z][A-Z0-9_]*_HOME)$/.test(name)) kept[name] = value;
  return kept;
}

/** True when `candidate` is `secret`, compared in constant time. @throws never */
export function tokenMatches(candidate: string | undefined, secret: string): boolean {
  if (candidate === undefined || secret.length === 0) return false;
  return timingSafeEqual(createHash('sha256').update(candidate).digest(), createHash('sha256').update(secret).digest());
}
