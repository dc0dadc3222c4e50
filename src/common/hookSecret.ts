/**
 * A session's hook secret as kept across daemon restarts (src/store/hookSecretStore.ts keeps it;
 * core's SessionManager writes it at create and reads it when it re-attaches a hosted agent).
 */

/** What a re-attaching daemon needs to take a running agent's hooks again. */
export interface StoredHookSecret {
  readonly session_id: string;
  /** The secret the agent's hooks send (`TETHER_HOOK_TOKEN`); never logged. */
  readonly token: string;
  /** The session's private run folder (the CLI's per-session settings file): removed with the session. */
  readonly run_dir: string;
  /** The agent's `HOME` (where its transcript is). */
  readonly home: string;
  /** The CLI's conversation id, when known. */
  readonly conversation_id?: string;
  /** The agent's folder variables a transcript is found by (`HOME`, `XDG_*`, `*_HOME`); nothing else of its environment. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The daemon's loopback base URL the agent's hooks were given (`http://127.0.0.1:<port>`): a
   * daemon that re-attaches the agent on another port also listens there, for its hooks only.
   */
  readonly hook_url?: string;
}

/** Where hook secrets are kept (the daemon's HookSecretStore). */
export interface IHookSecretKeeper {
  get(sessionId: string): StoredHookSecret | undefined;
  list(): StoredHookSecret[];
  /** @throws TetherError STORE_WRITE_FAILED */
  put(record: StoredHookSecret): void;
  /** Never throws. */
  remove(sessionId: string): void;
}
