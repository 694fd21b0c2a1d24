// A course roster as CSV, read and written with the project's CSV library
// (csv-parse, csv-stringify). The columns: id and name (required), email,
// role (professor, assistant or ta, student; default student), section and
// status (enrolled or withdrawn; default enrolled). Reading checks every row
// and refuses the whole file at the first bad one, naming its line; writing
// defuses a cell a spreadsheet would run as a formula, as the grade export does.

import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Role } from '../store/records';
import type { RosterMember } from '../store/roster-repository';
import { isSlugId } from '../ids/slug-ids';
import { quoteForMessage } from '../server/client-text';

/** The columns a roster CSV may have, in the order an export writes them. */
export const ROSTER_COLUMNS = ['id', 'name', 'email', 'role', 'section', 'status'] as const;
type Column = (typeof ROSTER_COLUMNS)[number];

/** Most rows (people) one roster may hold. */
export const MAX_ROSTER_ROWS = 10_000;
/** Longest record (one line of the CSV) read, in characters. */
export const MAX_ROSTER_RECORD_CHARS = 4_096;

/** One person's row of a roster CSV. */
export interface RosterRow {
  /** The line of the CSV the row starts on (the header is line 1). */
  line: number;
  id: string;
  name: string;
  email?: string;
  role: Role;
  section?: string;
  withdrawn: boolean;
}

/** A roster CSV the hub refuses; the message names the line. */
export class RosterCsvError extends Error {}

const ROLES: Record<string, Role> = { professor: 'professor', assistant: 'assistant', ta: 'assistant', 'teaching assistant': 'assistant', student: 'student' };
const EMAIL = /^[^\s@]+@[^\s@]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Parse and check a roster CSV; throws RosterCsvError naming the first bad line. */
export function parseRosterCsv(text: string): RosterRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      max_record_size: MAX_ROSTER_RECORD_CHARS,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    // csv-parse's own message names the line (e.g. "Invalid Record Length: expect 3, got 2 on line 4").
    throw new RosterCsvError(`the CSV cannot be read: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new RosterCsvError('the CSV is empty: line 1 must name the columns (id, name, and optionally email, role, section, status)');
  if (records.length > MAX_ROSTER_ROWS + 1) throw new RosterCsvError(`the CSV has more than ${MAX_ROSTER_ROWS} people`);
  const header = records[0]!.record.map((h) => h.trim().toLowerCase());
  const at = new Map<Column, number>();
  header.forEach((h, i) => {
    if (!(ROSTER_COLUMNS as readonly string[]).includes(h)) {
      throw new RosterCsvError(`line 1: unknown column ${quoteForMessage(h, 40)}; the columns are ${ROSTER_COLUMNS.join(', ')}`);
    }
    if (at.has(h as Column)) throw new RosterCsvError(`line 1: the column ${h} appears twice`);
    at.set(h as Column, i);
  });
  if (!at.has('id') || !at.has('name')) throw new RosterCsvError('line 1: the header must name the columns id and name (email, role, section and status are optional)');
  const lines = text.split(/\r\n|\n|\r/);
  const seen = new Map<string, number>();
  const rows: RosterRow[] = [];
  // A record's info.lines is the line it ends on; it starts after the previous record's end (blank lines skipped inside).
  let previousEnd = records[0]!.info.lines;
  for (const { record, info } of records.slice(1)) {
    const line = startLine(lines, previousEnd, info.lines);
    previousEnd = info.lines;
    const cell = (c: Column): string => {
      const i = at.get(c);
      const v = i === undefined ? '' : (record[i] ?? '').trim();
      if (CONTROL.test(v)) throw new RosterCsvError(`line ${line}: the ${c} holds a control character`);
      return v;
    };
    const id = cell('id').toLowerCase();
    if (!isSlugId(id)) throw new RosterCsvError(`line ${line}: person id ${quoteForMessage(id, 70)} is not allowed: use 1 to 63 lowercase letters and digits, with single hyphens inside`);
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new RosterCsvError(`line ${line}: ${id} is already on line ${earlier}`);
    seen.set(id, line);
    const name = cell('name');
    if (!name) throw new RosterCsvError(`line ${line}: the name of ${id} is empty`);
    if (name.length > 200) throw new RosterCsvError(`line ${line}: the name of ${id} is longer than 200 characters`);
    const email = cell('email');
    if (email && (email.length > 254 || !EMAIL.test(email))) throw new RosterCsvError(`line ${line}: ${quoteForMessage(email, 70)} is not an email address`);
    const roleText = cell('role').toLowerCase();
    const role = roleText === '' ? 'student' : ROLES[roleText];
    if (!role) throw new RosterCsvError(`line ${line}: role ${quoteForMessage(roleText, 40)} is not one of professor, assistant (or ta), student`);
    const section = sectionCell(cell('section'), role, id, `line ${line}: `);
    const status = cell('status').toLowerCase();
    if (status !== '' && status !== 'enrolled' && status !== 'withdrawn') throw new RosterCsvError(`line ${line}: status ${quoteForMessage(status, 40)} is not enrolled or withdrawn`);
    if (status === 'withdrawn' && role !== 'student') throw new RosterCsvError(`line ${line}: only students are withdrawn; ${id} is a ${role}`);
    rows.push({ line, id, name, ...(email ? { email } : {}), role, ...(section ? { section } : {}), withdrawn: status === 'withdrawn' });
  }
  return rows;
}

/** How many sections one member of staff may teach. */
export const MAX_STAFF_SECTIONS = 50;

/**
 * A person's sections as stored (`a;b`, '' for none), from a roster cell or a
 * command's option: staff may teach several, a student belongs to one. Throws
 * a RosterCsvError starting with `where` when the text is not allowed.
 */
export function sectionCell(text: string, role: Role, personId: string, where = ''): string {
  const sections = [...new Set(splitSections(text.toLowerCase()))];
  for (const s of sections) {
    if (!isSlugId(s)) throw new RosterCsvError(`${where}section ${quoteForMessage(s, 70)} is not allowed: use 1 to 63 lowercase letters and digits, with single hyphens inside`);
  }
  if (sections.length > 1 && role === 'student') throw new RosterCsvError(`${where}a student belongs to one section; ${personId} is given ${sections.join(', ')}`);
  if (sections.length > MAX_STAFF_SECTIONS) throw new RosterCsvError(`${where}at most ${MAX_STAFF_SECTIONS} sections per person`);
  return sections.join(';');
}

/** The sections of a roster cell or stored enrolment: `a;b` (or space-separated) is sections a and b. */
export function splitSections(text: string | undefined): string[] {
  return (text ?? '').split(/[;,\s]+/).filter((s) => s !== '');
}

/** The first non-blank line after `previousEnd` (a record may span lines inside quotes; blank lines are skipped). */
function startLine(lines: readonly string[], previousEnd: number, end: number): number {
  for (let n = previousEnd + 1; n <= end; n++) if ((lines[n - 1] ?? '').trim() !== '') return n;
  return end;
}

/** A text cell a spreadsheet would run as a formula gets a leading quote. */
function defused(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The roster as CSV under ROSTER_COLUMNS: RFC 4180 quoting, CRLF line ends. */
export function writeRosterCsv(entries: readonly RosterMember[]): string {
  return stringify(
    [[...ROSTER_COLUMNS], ...entries.map((e) => [e.personId, e.name, e.email ?? '', e.role, e.section ?? '', e.withdrawn ? 'withdrawn' : 'enrolled'])],
    { record_delimiter: 'windows', cast: { string: defused } },
  );
}
