// Collects a child's standard output and error up to a cap. Going over the
// cap calls `onOverflow` once (the sandbox then kills the run); bytes past the
// cap are dropped, so printing gigabytes costs the grader nothing.

import type { Readable } from 'node:stream';

/** Most bytes of standard error kept for messages. */
export const STDERR_KEEP_BYTES = 64 * 1024;

/** Capped collector of one run's output. */
export class CappedOutput {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private outBytes = 0;
  private errBytes = 0;
  private overflowed = false;

  constructor(
    private readonly capBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  /** Whether the program wrote more than the cap. */
  get exceeded(): boolean {
    return this.overflowed;
  }

  attach(stdout: Readable | null, stderr: Readable | null): void {
    stdout?.on('data', (chunk: Buffer) => this.take(chunk, 'out'));
    stderr?.on('data', (chunk: Buffer) => this.take(chunk, 'err'));
  }

  stdout(): Buffer {
    return Buffer.concat(this.out);
  }

  stderr(): Buffer {
    return Buffer.concat(this.err);
  }

  private take(chunk: Buffer, which: 'out' | 'err'): void {
    if (this.overflowed) return;
    const total = this.outBytes + this.errBytes + chunk.length;
    if (total > this.capBytes) {
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    if (which === 'out') {
      this.out.push(chunk);
      this.outBytes += chunk.length;
    } else {
      if (this.errBytes < STDERR_KEEP_BYTES) this.err.push(chunk.subarray(0, STDERR_KEEP_BYTES - this.errBytes));
      this.errBytes += chunk.length;
    }
  }
}
