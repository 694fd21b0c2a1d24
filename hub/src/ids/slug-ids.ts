// Course, person and assignment ids. They become folder names on the host
// (`<data>/workspaces/<course>/<student>/<assignment>`), Kubernetes object
// names and workspace ids (`<course>--<student>`), so each is a slug — the
// protocol's `Slug` schema, the one definition of the shape — and every place
// an id enters the hub (the `classpod-hub` command, course folders, CSV
// imports, URL paths; the API's schemas use `Slug` themselves) checks it here.

import { Slug, validator } from '@classpod/protocol';
import { quoteForMessage } from '../server/client-text';

/** What an id names, for messages. */
export type IdKind = 'course' | 'person' | 'assignment' | 'student';

const slug = validator(Slug);

/** An id that is not a slug. */
export class InvalidId extends Error {
  constructor(
    readonly kind: IdKind,
    readonly value: string,
  ) {
    super(`${kind} id ${quoteForMessage(value)} is not allowed: use 1 to 63 lowercase letters and digits, with single hyphens inside (like \`cs101\` or \`jane-doe\`)`);
  }
}

/** Whether `value` is a valid course, person or assignment id. */
export function isSlugId(value: unknown): value is string {
  return slug.check(value);
}

/** `value` when it is a valid id of this kind; else throws InvalidId. */
export function checkId(kind: IdKind, value: string): string {
  if (!isSlugId(value)) throw new InvalidId(kind, value);
  return value;
}
