/**
 * A small typed event emitter. `fire()` never lets a listener's exception escape: it goes to
 * one process-wide handler, so a bad subscriber cannot break the PTY data path.
 */
import type { IDisposable } from './lifecycle.js';

/** A subscribable event: call it with a listener, dispose the result to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

type ErrorHandler = (err: unknown) => void;
let listenerErrorHandler: ErrorHandler = () => {};

/** Sets where listener exceptions go (the daemon routes them to its log). */
export function setListenerErrorHandler(handler: ErrorHandler): void {
  listenerErrorHandler = handler;
}

/** A typed event source. */
export class Emitter<T> implements IDisposable {
  private _listeners: Array<(value: T) => void> = [];
  private _disposed = false;
  private _event: Event<T> | undefined;

  /** The public face of this emitter; hand this out, keep `fire` private. */
  get event(): Event<T> {
    this._event ??= (listener) => {
      if (this._disposed) return { dispose() {} };
      this._listeners.push(listener);
      return {
        dispose: () => {
          this._listeners = this._listeners.filter((l) => l !== listener);
        },
      };
    };
    return this._event;
  }

  /** Calls every listener with `value`; listener exceptions go to the error handler. */
  fire(value: T): void {
    if (this._disposed) return;
    for (const listener of this._listeners.slice()) {
      try {
        listener(value);
      } catch (err) {
        listenerErrorHandler(err);
      }
    }
  }

  get listenerCount(): number {
    return this._listeners.length;
  }

  dispose(): void {
    this._disposed = true;
    this._listeners = [];
  }
}
