// A small typed event emitter with the same listener shape as VS Code's
// `Event<T>`, so plain classes can expose events without importing `vscode`.

/** Something that releases what it holds. */
export interface Disposable {
  dispose(): void;
}

/** Subscribe with a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Owns a set of listeners and fires values to them. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  /** The event to hand out. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Call every listener; one listener's exception does not stop the others. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // A broken listener must not break the emitter's owner.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Disposes a list of disposables in reverse order of addition. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<D extends Disposable>(item: D): D {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) item.dispose();
  }
}
