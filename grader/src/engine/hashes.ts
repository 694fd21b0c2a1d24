// Content hashes that name what a score was computed from: the
// specification, the submitted sources, a build.

import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:<hex>` of a value's canonical JSON. */
export function hashValue(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

/** `sha256:<hex>` of named files, independent of their order. */
export function hashFiles(files: ReadonlyMap<string, Uint8Array>): string {
  const h = createHash('sha256');
  for (const name of [...files.keys()].sort()) {
    const content = files.get(name)!;
    h.update(`${name}\0${content.byteLength}\0`);
    h.update(content);
  }
  return `sha256:${h.digest('hex')}`;
}
