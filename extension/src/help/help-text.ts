// How live help reads on both sides, as plain text: the student's status
// ("Hand raised — 3rd in queue", "Tara is viewing your terminal"), a queue
// row for staff (student, assignment, failing test, time waiting), and the
// failing test attached to a raised hand, cut to what the hub accepts.

import { MAX_HELP_TEST_MESSAGE_CHARS, MAX_HELP_TEST_NAME_CHARS, type FailingTest, type HelpRequest } from '@classpod/protocol';

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** "4 min", "1 h 5 min", "just now": how long someone has waited. */
export function waitedFor(since: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Who helps, as the student reads it. */
export function helperLabel(r: Pick<HelpRequest, 'helperName' | 'helperId'>): string {
  return r.helperName ?? r.helperId ?? 'Course staff';
}

/** The student's own status line for an open request (undefined once it is closed). */
export function handStatus(r: HelpRequest): string | undefined {
  if (r.state === 'waiting') return r.position ? `Hand raised — ${ordinal(r.position)} in queue` : 'Hand raised';
  if (r.state === 'helping') return r.terminalSince ? `${helperLabel(r)} is viewing your terminal` : `${helperLabel(r)} is helping you`;
  return undefined;
}

/** The failing test as the hub takes it: its name and message cut to the protocol's limits. */
export function failingTestAttachment(name: string, message: string): FailingTest {
  const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
  return { name: cut(name.trim() || 'test', MAX_HELP_TEST_NAME_CHARS), message: cut(message, MAX_HELP_TEST_MESSAGE_CHARS) };
}

/** A queue row for staff: label, description and tooltip lines. */
export function queueRow(r: HelpRequest, now: Date): { label: string; description: string; tooltip: string[] } {
  const who = r.studentName ?? r.studentId;
  const parts = [r.assignmentId];
  if (r.failingTest) parts.push(`✗ ${r.failingTest.name}`);
  parts.push(r.state === 'helping' ? `helped by ${helperLabel(r)}` : `waiting ${waitedFor(r.raisedAt, now)}`);
  const tooltip = [
    `${who} (${r.studentId})${r.section ? `, section ${r.section}` : ''} — ${r.assignmentId}`,
    r.message ? `“${r.message}”` : '',
    r.failingTest ? `Failing test: ${r.failingTest.name}` : '',
    r.failingTest?.message ?? '',
    r.state === 'helping' ? `Taken by ${helperLabel(r)}${r.terminalSince ? ', viewing the terminal' : ''}` : `Raised ${waitedFor(r.raisedAt, now)} ago`,
  ];
  return { label: who, description: parts.join(' · '), tooltip };
}
