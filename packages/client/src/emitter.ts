type Listener<E> = (e: E) => void;

/** Typed listener registry; a throwing listener is isolated so one bad callback cannot break delivery to others. */
export class EventHub<E extends { kind: string }> {
  readonly #byKind = new Map<string, Set<Listener<E>>>();
  readonly #all = new Set<Listener<E>>();
  readonly #onListenerError: (err: unknown, event: string) => void;

  constructor(onListenerError: (err: unknown, event: string) => void) {
    this.#onListenerError = onListenerError;
  }

  on<K extends E['kind']>(kind: K, cb: (e: Extract<E, { kind: K }>) => void): () => void {
    let set = this.#byKind.get(kind);
    if (!set) {
      set = new Set();
      this.#byKind.set(kind, set);
    }
    const l = cb as Listener<E>;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  onAny(cb: Listener<E>): () => void {
    this.#all.add(cb);
    return () => {
      this.#all.delete(cb);
    };
  }

  /** Whether anyone would hear an event of this kind (lets hot paths skip building one). */
  wants(kind: E['kind']): boolean {
    return this.#all.size > 0 || (this.#byKind.get(kind)?.size ?? 0) > 0;
  }

  emit(e: E): void {
    // Copies, so a listener that (un)subscribes during delivery changes the next emit, not this one.
    const set = this.#byKind.get(e.kind);
    if (set && set.size > 0) for (const l of [...set]) this.#call(l, e);
    if (this.#all.size > 0) for (const l of [...this.#all]) this.#call(l, e);
  }

  #call(l: Listener<E>, e: E): void {
    try {
      l(e);
    } catch (err) {
      this.#onListenerError(err, e.kind);
    }
  }
}

export function reportListenerError(err: unknown): void {
  console.error('@esphil/client: event listener threw', err);
}
