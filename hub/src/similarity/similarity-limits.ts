// How much a similarity check may take on: every limit an option with a
// safe default, so a hostile or enormous class can slow a check down but
// never take the hub with it.

/** The limits of one similarity check. */
export interface SimilarityLimits {
  /** Files compared at most in one check (this course's and the earlier offerings'); beyond it the check fails and says so. */
  maxFiles: number;
  /** A file larger than this is left out (bytes). */
  maxFileBytes: number;
  /** All files of a check together, at most (bytes); beyond it the check fails and says so. */
  maxTotalBytes: number;
  /** Pairs kept, the most similar first. */
  maxPairs: number;
  /** Longest a comparison may run before it is stopped (ms). */
  timeoutMs: number;
  /** Heap the comparing process may use (MiB). */
  maxHeapMiB: number;
}

export const SIMILARITY_DEFAULTS: SimilarityLimits = {
  maxFiles: 5_000,
  maxFileBytes: 256 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxPairs: 1_000,
  timeoutMs: 10 * 60_000,
  maxHeapMiB: 2_048,
};

/** Defaults with `o` over them; a limit that is not a positive number is a mistake. */
export function similarityLimits(o: Partial<SimilarityLimits> = {}): SimilarityLimits {
  const merged = { ...SIMILARITY_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as SimilarityLimits;
  for (const [k, v] of Object.entries(merged)) {
    if (!(Number(v) > 0)) throw new Error(`similarity.${k} must be a positive number, not ${String(v)}`);
  }
  return merged;
}
