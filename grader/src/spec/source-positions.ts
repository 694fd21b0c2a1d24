// Maps a field path of a parsed YAML/JSON document back to its line and
// column, so validation errors point at the text the teacher wrote.

import { isMap, isPair, isScalar, LineCounter, type Document, type Node } from 'yaml';

/** Line and column (1-based) of the deepest node that exists along `path`. */
export function positionOf(
  doc: Document,
  counter: LineCounter,
  path: readonly (string | number)[],
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      const key = pair.key as Node;
      best = (pair.value as Node | null) ?? key;
      // An unknown or misspelt key is best shown at the key itself.
      if (part === path[path.length - 1] && key?.range) best = key;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && typeof part === 'number') {
      const item = (node as { items: unknown[] }).items[part];
      if (!item) break;
      best = item as Node;
      node = item;
    } else break;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return { line: 0, column: 0 };
  const pos = counter.linePos(offset);
  return { line: pos.line, column: pos.col };
}
