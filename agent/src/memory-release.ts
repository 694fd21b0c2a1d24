// Giving a workload's memory back once the work stops: a quiet time after the
// last request answered (or connection closed), one full garbage collection
// returns the heap the workload grew (buffers of relayed frames, scan results,
// file contents). V8 on its own shrinks a heap only when it sees allocation
// slow down, which a process that became idle may never show it; and a
// workspace spends most of its life idle. Needs Node's `--expose-gc` (the
// hub's local provider and the agent's own command pass it); without it this
// does nothing.

/** Quiet time after the last piece of work before the agent collects (ms). */
export const RELEASE_QUIET_MS = 5000;

export class MemoryRelease {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly gc: (() => void) | undefined;
  private closed = false;

  constructor(
    /** Called after each collection. */
    private readonly onCollected: () => void = () => undefined,
    private readonly quietMs = RELEASE_QUIET_MS,
  ) {
    const gc = (globalThis as { gc?: unknown }).gc;
    this.gc = typeof gc === 'function' ? (gc as () => void) : undefined;
  }

  /** Whether the process can collect on demand (started with --expose-gc). */
  get available(): boolean {
    return this.gc !== undefined;
  }

  /** Some work ended now (a request answered, a connection closed): collect after the next quiet time. */
  worked(): void {
    if (!this.gc || this.closed) return;
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.gc?.();
        this.onCollected();
      }, this.quietMs);
      this.timer.unref();
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
