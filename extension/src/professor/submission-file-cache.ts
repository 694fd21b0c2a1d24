// Keeps the content of submission files that were opened, so reopening one,
// diffing it against another or scrolling back costs no new request. A
// snapshot never changes, so entries never go stale; the cache only forgets the
// least recently used files when it holds more than its byte limit. Requests
// for the same file while one is in flight share it.

/** Reads one file of a submission (the hub's `submissions/readFile`). */
export type SubmissionFileReader = (submissionId: string, path: string) => Promise<Uint8Array>;

export interface SubmissionFileCacheOptions {
  /** Bytes kept before the least recently used files are dropped. */
  maxBytes?: number;
}

export class SubmissionFileCache {
  private readonly entries = new Map<string, Uint8Array>();
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  private bytes = 0;
  private readonly maxBytes: number;
  /** Files read from the hub (not from the cache), for tests and logs. */
  reads = 0;

  constructor(
    private readonly read: SubmissionFileReader,
    options: SubmissionFileCacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  }

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  /** The file's content, from the cache or the hub. */
  get(submissionId: string, path: string): Promise<Uint8Array> {
    const key = `${submissionId}\u0000${path}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return Promise.resolve(hit);
    }
    let p = this.inFlight.get(key);
    if (!p) {
      this.reads++;
      p = this.read(submissionId, path).then(
        (content) => {
          this.inFlight.delete(key);
          this.remember(key, content);
          return content;
        },
        (err: unknown) => {
          this.inFlight.delete(key);
          throw err;
        },
      );
      this.inFlight.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remember(key: string, content: Uint8Array): void {
    if (content.byteLength > this.maxBytes) return;
    this.entries.set(key, content);
    this.bytes += content.byteLength;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.byteLength;
    }
  }
}
