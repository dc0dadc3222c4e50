/**
 * Which raw captures of the voices study become test data, and under which names. Each entry
 * names a run folder (`<cli>/<version>/<run>` under the raw root) written by studyVoices.
 */

/** One run to export. */
export interface SampleExport {
  readonly cli: string;
  readonly version: string;
  readonly run: string;
  /** Prefix of the file names (when one version has several runs). */
  readonly prefix?: string;
  /** False: no hook samples from this run (transcripts only). */
  readonly hooks?: boolean;
  /** Hook events kept at every occurrence (`<key>.<n>.hook.json`), not only the first. */
  readonly keepAll?: readonly string[];
  /** Hook events left out (chatty ones). */
  readonly skipEvents?: readonly string[];
  /** Also write every kept hook body in order as `events.jsonl` (OpenCode's stream is its transcript). */
  readonly eventsJsonl?: boolean;
  /** Transcript files: the first file under `transcripts/` matching `from`, written as `to`, optionally only the lines matching `lines`. */
  readonly transcripts?: ReadonlyArray<{
    readonly from: RegExp;
    readonly to: string;
    /** Only the lines matching this. */
    readonly lines?: RegExp;
    /** Lines left out (big bookkeeping the README names). */
    readonly drop?: RegExp;
    /** Repeating kinds (the first group names the kind): only the first `thinKeep` (default {@link THIN_KEEP}) of each stay. */
    readonly thin?: RegExp;
    readonly thinKeep?: number;
  }>;
}

/** Lines of a kind that repeats without saying anything new: only the first {@link THIN_KEEP} of each stay. */
export const THIN_KEEP = 1;

/** OpenCode events that say nothing about the conversation. */
const OPENCODE_NOISE = ['server.heartbeat', 'plugin.added', 'catalog.updated', 'integration.updated', 'reference.updated', 'event.plugin.added', 'event.catalog.updated', 'event.integration.updated', 'event.reference.updated'];

/** Claude's repeating bookkeeping lines: hook results, and 2.1.332's request records. */
const CLAUDE_THIN = /"type":"(hook_success|api-request-shape|api-request|prompt_snapshot)"/;
const claudeTranscript = { from: /projects\/.*\.jsonl$/, to: 'transcript.jsonl', thin: CLAUDE_THIN };
/** Codex's per-request usage lines. */
const CODEX_THIN = /"type":"(token_count|token_usage_record)"/;

/** The exports, in the order the README lists them. */
export const SAMPLE_EXPORTS: readonly SampleExport[] = [
  { cli: 'claude', version: '2.1.197', run: 'http', transcripts: [claudeTranscript] },
  { cli: 'claude', version: '2.1.197', run: 'http-todowrite', prefix: 'todowrite.', transcripts: [{ ...claudeTranscript, to: 'todowrite.transcript.jsonl' }] },
  { cli: 'claude', version: '2.1.197', run: 'http-away', hooks: false, transcripts: [{ ...claudeTranscript, to: 'away.hook-errors.jsonl', lines: /hook_non_blocking_error/ }] },
  // 2.1.332 also records each API request's shape (about 20 KB a line after cutting): left out.
  { cli: 'claude', version: '2.1.332', run: 'http-todo', transcripts: [{ ...claudeTranscript, drop: /"type":"api-request-shape"/ }] },
  // notify fires for the title side-thread too: keep both to show the thread ids differ.
  { cli: 'codex', version: '0.169.0', run: 'node', keepAll: ['notify'], transcripts: [{ from: /sessions\/.*rollout-.*\.jsonl$/, to: 'rollout.jsonl', thin: CODEX_THIN }] },
  { cli: 'codex', version: '0.171.0', run: 'node', keepAll: ['notify'], transcripts: [{ from: /sessions\/.*rollout-.*\.jsonl$/, to: 'rollout.jsonl', thin: CODEX_THIN }] },
  { cli: 'gemini', version: '0.61.0', run: 'node', transcripts: [{ from: /chats\/session-.*\.jsonl$/, to: 'chat.jsonl' }] },
  { cli: 'qwen', version: '0.15.10', run: 'http', transcripts: [{ from: /chats\/.*\.jsonl$/, to: 'chat.jsonl' }] },
  { cli: 'qwen', version: '0.24.4', run: 'http-todo', transcripts: [{ from: /chats\/.*\.jsonl$/, to: 'chat.jsonl' }] },
  { cli: 'opencode', version: '1.18.33', run: 'sse', skipEvents: OPENCODE_NOISE, eventsJsonl: true, transcripts: [{ from: /db-rows\.jsonl$/, to: 'db-rows.jsonl', thin: /"table": "(event)"/, thinKeep: 24 }] },
  { cli: 'opencode', version: '1.18.33', run: 'plugin', skipEvents: OPENCODE_NOISE },
];
