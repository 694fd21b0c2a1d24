// A course's audit log as professors read it in an editor
// (`classpod:/audit/<course>/audit-log.md`): newest first, one row per entry
// with when (in the reader's time zone), who, what in words, about whom, and
// the details the hub recorded. Text only: every value is escaped for a
// Markdown table, whatever a name or a comment holds.

import type { AuditEntry } from '@classpod/protocol';
import { formatAbsolute } from '../deadlines/time-format';

/** What each recorded action means, in words; an action not listed reads as its name. */
const ACTIONS: Record<string, string> = {
  'auth.signin': 'signed in',
  'auth.refresh': 'renewed their session',
  'auth.refresh.refused': 'was refused a session renewal',
  'auth.refresh.reuse': 'reused a spent session (every session of that sign-in ended)',
  'auth.signout': 'signed out',
  'person.create': 'was created at first sign-in',
  'role.change': 'changed a role',
  'section.change': 'placed someone in sections',
  'roster.import': 'imported the roster',
  'enrolment.withdraw': 'withdrew a student',
  'invite.create': 'created an invite',
  'invite.join': 'joined by invite',
  'invite.revoke': 'revoked an invite',
  'course.create': 'created the course',
  'course.update': 'changed the course settings',
  'assignment.create': 'created an assignment',
  'assignment.update': 'updated an assignment',
  'assignment.dates': 'changed an assignment’s dates',
  'deadline.extend': 'extended a deadline',
  'lateDays.grant': 'granted late days',
  'submission.attempts.grant': 'granted extra submissions',
  'submission.regrade': 'regraded',
  'score.override': 'set a score by hand',
  'rubric.set': 'changed a rubric',
  'rubric.apply': 'applied rubric items',
  'rubric.unapply': 'removed rubric items',
  'feedback.add': 'commented on code',
  'grades.export': 'exported grades',
  'similarity.run': 'ran a similarity check',
  'similarity.pair.open': 'opened a similar pair',
  'help.take': 'took a raised hand',
  'help.follow': 'followed a student’s workspace',
  'help.terminal': 'viewed a student’s terminal',
  'help.end': 'ended a help session',
  'workspace.connect': 'entered a workspace',
  'workspace.terminal': 'opened a terminal in a workspace',
  'workspace.start': 'started a workspace',
  'workspace.stop': 'stopped a workspace',
  'workspace.restore': 'restored files in a workspace',
  'version.restore': 'restored a version',
  'workspaces.prewarm': 'scheduled workspaces to start before a deadline',
  'workspaces.prewarmCancel': 'cancelled a prewarm',
  'group.save': 'saved a group',
  'group.remove': 'removed a group',
};

/** The words for an action, or the action itself. */
export function describeAction(action: string): string {
  return ACTIONS[action] ?? action;
}

/**
 * A value inside a Markdown table cell: on one line, with nothing that could
 * end the cell, make a link or an image, or start HTML or emphasis (the rest
 * is left as typed: the source is what the editor shows).
 */
export function tableCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`)
    .trim();
}

/** Details as `key: value` pairs when the hub recorded JSON, else the text itself. */
export function describeDetail(detail: string | undefined): string {
  if (!detail) return '';
  try {
    const value: unknown = JSON.parse(detail);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ');
    }
  } catch {
    // not JSON: shown as recorded
  }
  return detail;
}

/** The document: a heading, how many entries, and the table. */
export function auditLogDocument(
  course: { id: string; title: string },
  entries: readonly AuditEntry[],
  nameOf: (personId: string) => string | undefined,
  timeZone?: string,
  limit?: number,
): string {
  const who = (id: string): string => {
    const name = nameOf(id);
    return name && name !== id ? `${name} (${id})` : id;
  };
  const lines = [
    `# Audit log: ${tableCell(course.title)}`,
    '',
    entries.length === 0
      ? 'Nothing recorded yet.'
      : `The ${entries.length} most recent ${entries.length === 1 ? 'entry' : 'entries'}, newest first${limit !== undefined && entries.length >= limit ? ` (the hub keeps more: this shows ${limit})` : ''}. Sign-ins are those of the course's members.`,
  ];
  if (entries.length) {
    lines.push('', '| When | Who | What | About | Details |', '| --- | --- | --- | --- | --- |');
    for (const e of entries) {
      const cells = [formatAbsolute(new Date(e.at), timeZone), who(e.actorId), describeAction(e.action), e.target ? who(e.target) : '', describeDetail(e.detail)];
      lines.push(`| ${cells.map(tableCell).join(' | ')} |`);
    }
  }
  return lines.join('\n') + '\n';
}
