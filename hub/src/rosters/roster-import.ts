// Importing a roster CSV into a course: the decision table and its writes,
// shared by the API (`rosters/import`), and the `classpod-hub roster import`
// command. The rules, per CSV row (the header is line 1):
//   - not in the course, or withdrawn from it          → added (a new person is
//     created with the CSV's name and email; a known person keeps theirs: the
//     identity provider, not a course's CSV, owns who a person is)
//   - enrolled with another role or section            → changed
//   - status withdrawn, enrolled as a student          → withdrawn
//   - otherwise                                        → unchanged
// and every enrolled student the CSV leaves out is withdrawn. Staff the CSV
// leaves out stay as they are, and nobody changes their own role. Importing
// the same CSV twice leaves the second import all unchanged.

import { createHash } from 'node:crypto';
import type { RosterChange } from '@classpod/protocol';
import type { RosterMember, RosterRepository, RosterWrites } from '../store/roster-repository';
import { parseRosterCsv, RosterCsvError, writeRosterCsv } from './roster-csv';

/** What an import did, or would do. */
export interface RosterImportResult {
  applied: boolean;
  previewId: string;
  counts: { added: number; changed: number; withdrawn: number; unchanged: number };
  changes: RosterChange[];
}

/** The roster changed between the preview and the apply. */
export class RosterChangedError extends Error {}

/** How to run an import. */
export interface RosterImportOptions {
  /** Who imports (a person id, or `operator` for the command line). */
  actorId: string;
  apply: boolean;
  /** With apply: the preview's id; refused when the roster or the CSV is no longer the one previewed. */
  previewId?: string;
  source: 'api' | 'cli';
}

function previewIdOf(roster: readonly RosterMember[], csv: string): string {
  return createHash('sha256').update(JSON.stringify(roster)).update('\0').update(csv).digest('hex').slice(0, 32);
}

/** Check the CSV, compare it with the course's roster, and with `apply` make the changes (in one transaction). */
export async function importRoster(repo: RosterRepository, courseId: string, csv: string, o: RosterImportOptions): Promise<RosterImportResult> {
  const rows = parseRosterCsv(csv);
  return repo.update(courseId, o.actorId, o.apply, async (roster, known) => {
    const previewId = previewIdOf(roster, csv);
    if (o.apply && o.previewId !== undefined && o.previewId !== previewId) {
      throw new RosterChangedError('the roster or the CSV changed since the preview; preview the import again');
    }
    const current = new Map(roster.map((m) => [m.personId, m]));
    const knownNames = await known(rows.filter((r) => !current.has(r.id)).map((r) => r.id));
    const changes: RosterChange[] = [];
    const writes: RosterWrites = { create: [], enrol: [], withdraw: [], audit: [] };
    for (const row of rows) {
      const cur = current.get(row.id);
      const name = cur?.name ?? knownNames.get(row.id) ?? row.name;
      const section = row.section ? { section: row.section } : {};
      if (row.id === o.actorId && cur && !cur.withdrawn && (cur.role !== row.role || row.withdrawn)) {
        throw new RosterCsvError(`line ${row.line}: you cannot change your own role (${cur.role}) by a roster import`);
      }
      if (row.withdrawn) {
        if (!cur) throw new RosterCsvError(`line ${row.line}: ${row.id} is not in the course, so cannot be withdrawn`);
        if (cur.role !== 'student') throw new RosterCsvError(`line ${row.line}: ${row.id} is a ${cur.role} of the course; only students are withdrawn`);
        if (cur.withdrawn) changes.push({ kind: 'unchanged', personId: row.id, name, role: cur.role, ...section, line: row.line });
        else {
          changes.push({ kind: 'withdrawn', personId: row.id, name, role: cur.role, ...section, line: row.line });
          writes.withdraw.push(row.id);
        }
        continue;
      }
      if (!cur || cur.withdrawn) {
        changes.push({ kind: 'added', personId: row.id, name, role: row.role, ...section, line: row.line });
        if (!cur && !knownNames.has(row.id)) writes.create.push({ id: row.id, name: row.name, ...(row.email ? { email: row.email } : {}) });
        writes.enrol.push({ personId: row.id, role: row.role, ...section });
        if (cur?.role !== row.role || !cur) writes.audit.push({ action: 'role.change', target: row.id, detail: { from: cur?.role ?? null, to: row.role, source: 'roster' } });
        continue;
      }
      if (cur.role !== row.role || (cur.section ?? '') !== (row.section ?? '')) {
        changes.push({
          kind: 'changed',
          personId: row.id,
          name,
          role: row.role,
          ...(cur.role !== row.role ? { fromRole: cur.role } : {}),
          ...section,
          ...((cur.section ?? '') !== (row.section ?? '') ? { fromSection: cur.section ?? '' } : {}),
          line: row.line,
        });
        writes.enrol.push({ personId: row.id, role: row.role, ...section });
        if (cur.role !== row.role) writes.audit.push({ action: 'role.change', target: row.id, detail: { from: cur.role, to: row.role, source: 'roster' } });
        continue;
      }
      changes.push({ kind: 'unchanged', personId: row.id, name, role: cur.role, ...section, line: row.line });
    }
    const listed = new Set(rows.map((r) => r.id));
    for (const m of roster) {
      if (listed.has(m.personId) || m.withdrawn || m.role !== 'student') continue;
      changes.push({ kind: 'withdrawn', personId: m.personId, name: m.name, role: m.role, ...(m.section ? { section: m.section } : {}) });
      writes.withdraw.push(m.personId);
    }
    for (const id of writes.withdraw) writes.audit.push({ action: 'enrolment.withdraw', target: id, detail: { source: 'roster' } });
    const counts = { added: 0, changed: 0, withdrawn: 0, unchanged: 0 };
    for (const c of changes) counts[c.kind]++;
    writes.audit.unshift({ action: 'roster.import', detail: { source: o.source, rows: rows.length, ...counts } });
    return { result: { applied: o.apply, previewId, counts, changes }, writes };
  });
}

/** Withdraw one student (their work kept); false when they were withdrawn already. */
export async function withdrawStudent(repo: RosterRepository, courseId: string, studentId: string, actorId: string): Promise<boolean> {
  return repo.update(courseId, actorId, true, async (roster) => {
    const m = roster.find((r) => r.personId === studentId);
    if (!m || m.role !== 'student') throw new RosterCsvError(`${studentId} is not a student of course ${courseId}`);
    if (m.withdrawn) return { result: false, writes: { create: [], enrol: [], withdraw: [], audit: [] } };
    return { result: true, writes: { create: [], enrol: [], withdraw: [studentId], audit: [{ action: 'enrolment.withdraw', target: studentId, detail: { source: 'api' } }] } };
  });
}

/** An import's result as lines a person reads (the command line's preview). */
export function describeRosterImport(r: RosterImportResult): string[] {
  const { added, changed, withdrawn, unchanged } = r.counts;
  const lines = [`${r.applied ? 'imported' : 'preview'}: ${added} added, ${changed} changed, ${withdrawn} withdrawn, ${unchanged} unchanged`];
  for (const c of r.changes) {
    if (c.kind === 'unchanged') continue;
    const where = c.line ? ` (line ${c.line})` : '';
    const what =
      c.kind === 'changed'
        ? [c.fromRole ? `role ${c.fromRole} → ${c.role}` : '', c.fromSection !== undefined ? `section ${c.fromSection || '—'} → ${c.section ?? '—'}` : ''].filter(Boolean).join(', ')
        : `${c.role}${c.section ? `, section ${c.section}` : ''}`;
    lines.push(`  ${c.kind} ${c.personId} (${c.name}): ${what}${where}`);
  }
  return lines;
}

/** The course's roster as CSV, in the layout an import takes. */
export async function exportRoster(repo: RosterRepository, courseId: string): Promise<string> {
  return writeRosterCsv(await repo.members(courseId));
}
