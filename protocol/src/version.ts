// The protocol's version and the rule that decides whether two ends can talk.

/** Version this build speaks: `major.minor`. A new minor only adds optional things. */
export const PROTOCOL_VERSION = '1.0';

/** Parsed `major.minor`, or undefined when the text is not a version. */
export function parseVersion(text: string): { major: number; minor: number } | undefined {
  const m = /^(\d{1,4})\.(\d{1,4})$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** Two versions are compatible when their majors are equal. */
export function isCompatibleVersion(ours: string, theirs: string): boolean {
  const a = parseVersion(ours);
  const b = parseVersion(theirs);
  return a !== undefined && b !== undefined && a.major === b.major;
}
