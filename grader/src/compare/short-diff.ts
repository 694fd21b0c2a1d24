// A short expected-versus-actual difference for public tests: the first
// differing line with a little context, in unified-diff style, capped in size.

/** At most `maxLines` lines around the first difference of two outputs. */
export function shortDiff(expected: string, actual: string, maxLines = 12, maxLineChars = 120): string {
  const lines = (t: string): string[] => t.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const e = lines(expected);
  const a = lines(actual);
  let first = 0;
  while (first < e.length && first < a.length && e[first] === a[first]) first++;
  if (first === e.length && first === a.length) return '';
  const from = Math.max(0, first - 2);
  const span = Math.max(1, Math.floor((maxLines - (first - from)) / 2));
  const cut = (l: string): string => (l.length > maxLineChars ? `${l.slice(0, maxLineChars)}…` : l);
  const out = [`@@ line ${first + 1} @@`];
  for (let i = from; i < first; i++) out.push(`  ${cut(e[i]!)}`);
  for (let i = first; i < Math.min(e.length, first + span); i++) out.push(`- ${cut(e[i]!)}`);
  for (let i = first; i < Math.min(a.length, first + span); i++) out.push(`+ ${cut(a[i]!)}`);
  if (e.length > first + span || a.length > first + span) out.push('  …');
  return out.join('\n');
}
