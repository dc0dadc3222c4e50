/**
 * Disposable lifetimes: everything that holds a PTY, socket, timer or subscription
 * extends `Disposable` and registers what it owns, so one `dispose()` releases all of it.
 */

/** Something that releases resources when disposed. */
export interface IDisposable {
  dispose(): void;
}

/** Wraps a function as an IDisposable that runs it at most once. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** A set of disposables disposed together; adding to a disposed store disposes at once. */
export class DisposableStore implements IDisposable {
  private readonly _items = new Set<IDisposable>();
  private _isDisposed = false;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  add<T extends IDisposable>(item: T): T {
    if (this._isDisposed) item.dispose();
    else this._items.add(item);
    return item;
  }

  delete(item: IDisposable): void {
    this._items.delete(item);
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    const errors: unknown[] = [];
    for (const item of this._items) {
      try {
        item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    this._items.clear();
    if (errors.length > 0) throw new AggregateError(errors, 'errors while disposing');
  }
}

/** Base class that owns a DisposableStore; subclasses `_register` what they hold. */
export abstract class Disposable implements IDisposable {
  protected readonly _store = new DisposableStore();

  protected get isDisposed(): boolean {
    return this._store.isDisposed;
  }

  protected _register<T extends IDisposable>(item: T): T {
    return this._store.add(item);
  }

  dispose(): void {
    this._store.dispose();
  }
}
