// What a roster import would do, as a professor reads it before applying:
// one summary line and the changes (added, changed, withdrawn), the unchanged
// left out. Plain logic, no VS Code, so it is unit-tested.

import type { ResultOf, ImportRosterRequest, RosterChange } from '@classpod/protocol';

/** The answer of `rosters/import`. */
export type RosterImportOutcome = ResultOf<typeof ImportRosterRequest.type>;

/** Most changes listed in the confirmation; the rest are counted. */
export const MAX_LISTED_CHANGES = 20;

function describeChange(c: RosterChange): string {
  const where = c.line ? ` (line ${c.line})` : ' (not in the CSV)';
  if (c.kind === 'changed') {
    const parts = [c.fromRole ? `${c.fromRole} → ${c.role}` : '', c.fromSection !== undefined ? `section ${c.fromSection || '—'} → ${c.section ?? '—'}` : ''].filter(Boolean);
    return `changed: ${c.name} (${c.personId}), ${parts.join(', ')}${where}`;
  }
  return `${c.kind}: ${c.name} (${c.personId}), ${c.role}${c.section ? ` in section ${c.section}` : ''}${where}`;
}

/** A summary line and the listed changes of an import's preview or result. */
export function describeRosterImport(courseId: string, r: RosterImportOutcome): { summary: string; detail: string; changes: number } {
  const { added, changed, withdrawn, unchanged } = r.counts;
  const summary = `${r.applied ? 'Imported the roster of' : 'Roster import into'} ${courseId}: ${added} added, ${changed} changed, ${withdrawn} withdrawn, ${unchanged} unchanged.`;
  const listed = r.changes.filter((c) => c.kind !== 'unchanged');
  const lines = listed.slice(0, MAX_LISTED_CHANGES).map(describeChange);
  if (listed.length > MAX_LISTED_CHANGES) lines.push(`… and ${listed.length - MAX_LISTED_CHANGES} more`);
  if (withdrawn > 0) lines.push('Withdrawn students keep their submissions and grades; their workspaces are stopped and their further work is refused.');
  return { summary, detail: lines.join('\n'), changes: listed.length };
}
