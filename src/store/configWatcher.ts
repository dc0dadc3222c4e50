/**
 * ConfigWatcher: watches the config file and reports each valid change (the new config and the
 * dotted keys that changed, split into live and restart-only) or each invalid edit (the failing
 * key and the reason), keeping the last good config in force (seed
 * `permission-flow-and-config-watcher-plan.md`, "config watcher").
 *
 * It watches the file's directory with `fs.watch`, not the file: editors that save by writing a
 * temporary file and renaming it over the config (vim, VS Code, `sed -i`) replace the inode, which
 * a watch on the file itself loses. Events are debounced (DEFAULT_CONFIG_DEBOUNCE_MS after the
 * last one), then the file is read once; a file that is missing (mid-save, or deleted) is not a
 * change: the last good config stays and the next save is read.
 */
import { watch, readFileSync } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Disposable, Emitter, TetherError } from '../common/index.js';
import { configSchema } from './config.js';
import type { TetherConfig } from './config.js';
import { readYaml } from './yamlText.js';

/** Quiet time after the last file-system event before the file is read (ms): one save, one read. */
export const DEFAULT_CONFIG_DEBOUNCE_MS = 200;

/**
 * Keys read only at start (dotted prefixes): the listener, TLS, and the push providers and their
 * rate queue. A change to them is reported in `restartRequired`; it takes effect at the next start.
 */
export const RESTART_ONLY_KEYS: readonly string[] = ['server', 'push.enabled', 'push.apns', 'push.fcm', 'push.expo', 'push.webpush', 'push.max_per_minute'];

/** A valid change: the new config and what changed. */
export interface ConfigChange {
  readonly config: TetherConfig;
  /** Dotted keys whose values differ (`push.delay_seconds`, `approvals.timeout_seconds`), sorted. */
  readonly changed: readonly string[];
  /** The subset of `changed` that applies only after a restart (RESTART_ONLY_KEYS). */
  readonly restartRequired: readonly string[];
}

/** An invalid edit: the last good config stays. */
export interface ConfigProblem {
  /** The dotted key that failed; '' when the file is not YAML or unreadable as a whole. */
  readonly path: string;
  readonly reason: string;
  readonly file: string;
}

/** Options of a watcher. */
export interface ConfigWatcherOptions {
  /** The config file (absolute or relative to the cwd). */
  readonly file: string;
  /** The config in force now (what the daemon started with). */
  readonly initial: TetherConfig;
  /** Debounce (ms; default DEFAULT_CONFIG_DEBOUNCE_MS). */
  readonly debounceMs?: number;
}

/** Watches one config file; dispose to stop. */
export class ConfigWatcher extends Disposable {
  private _current: TetherConfig;
  private _lastText: string | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private readonly _watcher: FSWatcher;
  private readonly _onDidChange = this._register(new Emitter<ConfigChange>());
  /** A valid edit changed at least one key. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidFail = this._register(new Emitter<ConfigProblem>());
  /** An edit made the file invalid (each distinct invalid text once). */
  readonly onDidFail = this._onDidFail.event;

  /** @throws the fs error when the file's directory cannot be watched */
  constructor(private readonly _options: ConfigWatcherOptions) {
    super();
    this._current = _options.initial;
    this._lastText = readText(_options.file);
    const name = basename(_options.file);
    this._watcher = watch(dirname(_options.file), { persistent: false }, (_event, filename) => {
      // Some platforms omit the name: then any change in the directory is a candidate.
      if (filename === null || filename.toString() === name) this._schedule();
    });
    this._watcher.on('error', () => undefined);
    this._register({ dispose: () => (this._watcher.close(), clearTimeout(this._timer)) });
  }

  /** The config in force: the initial one, then each valid edit's. */
  get current(): TetherConfig {
    return this._current;
  }

  private _schedule(): void {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._read(), this._options.debounceMs ?? DEFAULT_CONFIG_DEBOUNCE_MS);
  }

  /** Reads the file once it has been quiet; never throws (the daemon must not fall over an edit). */
  private _read(): void {
    if (this.isDisposed) return;
    const text = readText(this._options.file);
    // Missing mid-save (or removed): keep the last good config; the next save is read.
    if (text === undefined || text === this._lastText) return;
    this._lastText = text;
    const parsed = parseDetailed(text, this._options.file);
    if ('problem' in parsed) {
      this._onDidFail.fire(parsed.problem);
      return;
    }
    const changed = diffKeys(this._current, parsed.config);
    this._current = parsed.config;
    if (changed.length === 0) return;
    const restartRequired = changed.filter((key) => RESTART_ONLY_KEYS.some((prefix) => key === prefix || key.startsWith(`${prefix}.`)));
    this._onDidChange.fire({ config: parsed.config, changed, restartRequired });
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parses config text into the config, or the first problem with its dotted key. */
export function parseDetailed(text: string, file: string): { config: TetherConfig } | { problem: ConfigProblem } {
  let raw: unknown;
  try {
    raw = readYaml(text, file);
  } catch (err) {
    return { problem: { path: '', reason: err instanceof TetherError ? err.message : String(err), file } };
  }
  const result = configSchema.safeParse(raw);
  if (result.success) return { config: result.data };
  const issue = result.error.issues[0];
  return { problem: { path: issue.path.join('.'), reason: issue.message, file } };
}

/** Dotted keys of the leaves (scalars and arrays) whose values differ between `before` and `after`, sorted. */
export function diffKeys(before: unknown, after: unknown, prefix = ''): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(before) || !isObject(after)) return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const key of keys) changed.push(...diffKeys(before[key], after[key], prefix === '' ? key : `${prefix}.${key}`));
  return changed.sort();
}
