// The audit log as a professor reads it: newest first as the hub answers,
// names beside ids, actions in words, details as key: value, and nothing a
// person typed (a name, a comment) able to break the table or add markup.

import assert from 'node:assert/strict';
import type { AuditEntry } from '@classpod/protocol';
import { auditLogDocument, describeAction, describeDetail, tableCell } from '../../../src/professor/audit-log';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({ id: 'a1', at: '2026-11-24T18:05:00.000Z', actorId: 'prof', action: 'score.override', courseId: 'cs101', ...over });

describe('audit log document', function () {
  it('lists the entries as a table: when, who with their name, what in words, about whom, details', function () {
    const names = new Map([
      ['prof', 'Prof. Ada'],
      ['alice', 'Alice'],
    ]);
    const text = auditLogDocument(
      { id: 'cs101', title: 'Introduction to Programming' },
      [
        entry({ id: 'a2', at: '2026-11-24T18:10:00.000Z', actorId: 'alice', action: 'auth.signin', courseId: undefined }),
        entry({ target: 'alice', detail: JSON.stringify({ score: 9, comment: 'fair' }) }),
      ],
      (id) => names.get(id),
      'UTC',
    );
    const lines = text.trim().split('\n');
    assert.equal(lines[0], '# Audit log: Introduction to Programming');
    assert.match(lines[2]!, /^The 2 most recent entries, newest first\. Sign-ins are those of the course's members\.$/);
    assert.equal(lines[4], '| When | Who | What | About | Details |');
    assert.equal(lines[6], '| Tue, 24 Nov 2026, 18:10 (UTC) | Alice (alice) | signed in |  |  |');
    assert.equal(lines[7], '| Tue, 24 Nov 2026, 18:05 (UTC) | Prof. Ada (prof) | set a score by hand | Alice (alice) | score: 9, comment: fair |');
  });

  it('says when there is nothing, and when the hub keeps more than it shows', function () {
    assert.match(auditLogDocument({ id: 'c', title: 'C' }, [], () => undefined), /Nothing recorded yet\./);
    const many = Array.from({ length: 3 }, (_, i) => entry({ id: `a${i}` }));
    assert.match(auditLogDocument({ id: 'c', title: 'C' }, many, () => undefined, 'UTC', 3), /\(the hub keeps more: this shows 3\)/);
  });

  it('keeps what a person typed inside its cell: no new row, no column, no link or HTML', function () {
    const hostile = 'Eve | x |\n| forged | row |<img src=x onerror=alert(1)> [click](http://evil)';
    const cell = tableCell(hostile);
    assert.ok(!cell.includes('\n'));
    assert.equal(cell.replace(/\\\|/g, '').includes('|'), false, 'every bar is escaped');
    assert.ok(!/(^|[^\\])[<>[\]]/.test(cell), `every bracket that could make a link or HTML is escaped: ${cell}`);
    const text = auditLogDocument({ id: 'c', title: hostile }, [entry({ actorId: 'eve', detail: hostile })], () => hostile, 'UTC');
    const rows = text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| When') && !l.startsWith('| ---'));
    assert.equal(rows.length, 1, text);
    assert.equal(rows[0]!.split(/(?<!\\)\|/).length - 2, 5, 'five cells');
  });

  it('reads actions it does not know as their name, and details that are no JSON as recorded', function () {
    assert.equal(describeAction('something.new'), 'something.new');
    assert.equal(describeAction('help.terminal'), 'viewed a student’s terminal');
    assert.equal(describeDetail('plain words'), 'plain words');
    assert.equal(describeDetail('[1,2]'), '[1,2]');
    assert.equal(describeDetail(undefined), '');
    assert.equal(describeDetail(JSON.stringify({ request: 'h_1', by: 'withdrawal' })), 'request: h_1, by: withdrawal');
  });
});
