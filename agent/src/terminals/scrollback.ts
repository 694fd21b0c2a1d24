// A terminal's bounded scrollback: a ring buffer of the last `capacity` bytes
// of output, addressed by absolute byte offsets counted from the terminal's
// first byte, so a reconnecting client can ask for exactly what it missed.

/** The bounded output history of one terminal. */
export class Scrollback {
  private readonly ring: Buffer;
  private endOffset = 0;

  constructor(readonly capacity: number) {
    this.ring = Buffer.alloc(capacity);
  }

  /** Offset just past the newest byte. */
  get end(): number {
    return this.endOffset;
  }

  /** Offset of the oldest byte still held. */
  get start(): number {
    return Math.max(0, this.endOffset - this.capacity);
  }

  /** Add output. */
  append(data: Uint8Array): void {
    let bytes = data;
    if (bytes.byteLength > this.capacity) {
      this.endOffset += bytes.byteLength - this.capacity;
      bytes = bytes.subarray(bytes.byteLength - this.capacity);
    }
    const at = this.endOffset % this.capacity;
    const first = Math.min(bytes.byteLength, this.capacity - at);
    this.ring.set(bytes.subarray(0, first), at);
    if (first < bytes.byteLength) this.ring.set(bytes.subarray(first), 0);
    this.endOffset += bytes.byteLength;
  }

  /** The bytes from `from` (or the oldest held, if later) to the end, and the offset they start at. */
  readFrom(from: number): { offset: number; data: Buffer } {
    const offset = Math.min(Math.max(from, this.start), this.endOffset);
    const length = this.endOffset - offset;
    const out = Buffer.alloc(length);
    const at = offset % this.capacity;
    const first = Math.min(length, this.capacity - at);
    this.ring.copy(out, 0, at, at + first);
    if (first < length) this.ring.copy(out, first, 0, length - first);
    return { offset, data: out };
  }
}
