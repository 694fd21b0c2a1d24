// From Dolos's file pairs to the pairs a professor reads: one per two
// owners (their best-matching files), never two files of one owner, never
// two earlier offerings' submissions, the most similar first.

/** A file pair as Dolos measured it. */
export interface FilePairScore {
  left: number;
  right: number;
  similarity: number;
  longest: number;
  overlap: number;
}

/**
 * The best file pair of each two owners, ranked by similarity, then the
 * longest fragment, then overlap; pairs with nothing in common are dropped
 * and at most `maxPairs` kept.
 */
export function rankPairs<P extends FilePairScore>(pairs: Iterable<P>, ownerOf: (file: number) => number, earlier: (owner: number) => boolean, maxPairs: number): P[] {
  const best = new Map<string, P>();
  for (const p of pairs) {
    const a = ownerOf(p.left);
    const b = ownerOf(p.right);
    if (a === b || (earlier(a) && earlier(b)) || p.overlap === 0) continue;
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    const had = best.get(key);
    if (!had || compare(p, had) < 0) best.set(key, p);
  }
  return [...best.values()].sort(compare).slice(0, maxPairs);
}

function compare(x: FilePairScore, y: FilePairScore): number {
  return y.similarity - x.similarity || y.longest - x.longest || y.overlap - x.overlap || x.left - y.left || x.right - y.right;
}
