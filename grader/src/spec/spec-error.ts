// The error a specification that cannot be loaded produces: it names the
// file, the line and column, and the field, so a teacher can fix it directly.

/** Where in a specification file a problem is. */
export interface SpecErrorLocation {
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
  /** Field path, e.g. `groups[0].tests[2].stdin`. */
  field: string;
}

/** A specification that is not valid. `code` is always `SPEC_INVALID`. */
export class SpecError extends Error {
  readonly code = 'SPEC_INVALID';
  constructor(
    readonly problem: string,
    readonly location: SpecErrorLocation,
  ) {
    const where = location.line > 0 ? `${location.file}:${location.line}:${location.column}` : location.file;
    super(`${where}: ${location.field ? location.field + ': ' : ''}${problem}`);
    this.name = 'SpecError';
  }
}

/** `['groups', 0, 'tests']` → `groups[0].tests`. */
export function fieldName(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
