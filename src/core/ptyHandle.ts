/**
 * IPtyHandle: what a Session needs of its agent's terminal. PtyProcess is the in-process one; a
 * session host's client (src/host) is the out-of-process one, which adds the optional hooks:
 * held delivery until the session listens, screen checkpoints, seq leases, and detaching.
 */
import type { Event, IDisposable } from '../common/index.js';
import type { PtyExit } from './ptyProcess.js';

/** A child process on a pseudo-terminal, wherever it runs. */
export interface IPtyHandle extends IDisposable {
  /** The agent's pid (also its process group id). */
  readonly pid: number;
  /** Output, UTF-8 decoded, in order; the last chunk arrives before `onExit`. */
  readonly onData: Event<string>;
  /** The agent exited and all its output has been delivered. */
  readonly onExit: Event<PtyExit>;
  /** Writes input. @throws when the terminal is closed */
  write(data: string): void;
  /** Resizes (cells/rows). @throws when the terminal is closed */
  resize(cols: number, rows: number): void;
  /** Stops delivering output (flow control). */
  pause(): void;
  /** Resumes delivering output. */
  resume(): void;
  /** Signals the agent. @throws never */
  kill(signal: NodeJS.Signals): void;
  /** Starts delivering output and exit held since the handle was made (a host's live stream). */
  start?(): void;
  /**
   * The screen applied the oldest chunk `onData` gave that was not reported yet (`units` UTF-16
   * units: called once per chunk, in order; a host counts its own offset units, bytes in host
   * protocol 2); true when a checkpoint should be taken
   * now: one is due and the screen is `atBoundary` (all written output applied, at a line end), or
   * one is long overdue.
   */
  applied?(units: number, atBoundary: boolean): boolean;
  /** Hands the host the serialised screen as of everything applied so far. */
  checkpoint?(screen: string): void;
  /** Promises the host no seq above `seq` until the next lease. */
  lease?(seq: number): void;
  /** Lets go of the agent without ending it (the daemon stops, the agent stays). */
  detach?(): void;
}
