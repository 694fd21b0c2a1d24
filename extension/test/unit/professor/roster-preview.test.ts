// What a professor reads before a roster import is applied: the summary, each
// change with its line, the unchanged left out, and a long list cut short.

import assert from 'node:assert/strict';
import { describeRosterImport, MAX_LISTED_CHANGES, type RosterImportOutcome } from '../../../src/professor/roster-preview';

const outcome = (changes: RosterImportOutcome['changes'], applied = false): RosterImportOutcome => {
  const counts = { added: 0, changed: 0, withdrawn: 0, unchanged: 0 };
  for (const c of changes) counts[c.kind]++;
  return { applied, previewId: 'p', counts, changes };
};

describe('roster import preview', () => {
  it('lists what changes, with lines, and says what a withdrawal keeps', () => {
    const d = describeRosterImport(
      'cs101',
      outcome([
        { kind: 'added', personId: 'erin', name: 'Erin', role: 'student', section: 'a', line: 7 },
        { kind: 'changed', personId: 'tara', name: 'Tara', role: 'assistant', fromRole: 'student', fromSection: '', section: 'a', line: 3 },
        { kind: 'unchanged', personId: 'prof', name: 'Ada', role: 'professor', line: 2 },
        { kind: 'withdrawn', personId: 'bob', name: 'Bob', role: 'student' },
      ]),
    );
    assert.equal(d.summary, 'Roster import into cs101: 1 added, 1 changed, 1 withdrawn, 1 unchanged.');
    assert.equal(d.changes, 3);
    assert.deepEqual(d.detail.split('\n'), [
      'added: Erin (erin), student in section a (line 7)',
      'changed: Tara (tara), student → assistant, section — → a (line 3)',
      'withdrawn: Bob (bob), student (not in the CSV)',
      'Withdrawn students keep their submissions and grades; their workspaces are stopped and their further work is refused.',
    ]);
  });

  it('cuts a long list short and counts the rest', () => {
    const many = Array.from({ length: MAX_LISTED_CHANGES + 5 }, (_, i) => ({ kind: 'added' as const, personId: `s${i}`, name: `S${i}`, role: 'student' as const, line: i + 2 }));
    const d = describeRosterImport('cs101', outcome(many, true));
    assert.match(d.summary, /^Imported the roster of cs101: 25 added/);
    assert.equal(d.detail.split('\n').length, MAX_LISTED_CHANGES + 1);
    assert.match(d.detail, /… and 5 more$/);
  });
});
