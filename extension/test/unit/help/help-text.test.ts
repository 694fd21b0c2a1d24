// Live help as both sides read it: the student's status line, a queue row for
// staff, the failing test cut to what the hub accepts, and the live-file
// addresses staff follow (which never climb out of the workspace).

import * as assert from 'node:assert/strict';
import { MAX_HELP_TEST_MESSAGE_CHARS, MAX_HELP_TEST_NAME_CHARS, type HelpRequest } from '@classpod/protocol';
import { failingTestAttachment, handStatus, ordinal, queueRow, waitedFor } from '../../../src/help/help-text';
import { filesToOpen, livePath, parseLivePath } from '../../../src/professor/live-files';

const NOW = new Date('2026-12-01T10:30:00.000Z');
const hand: HelpRequest = {
  id: 'h_1',
  courseId: 'cs101',
  assignmentId: 'c-sum',
  studentId: 'alice',
  studentName: 'Alice',
  message: 'negative numbers?',
  failingTest: { name: 'adds negatives', message: 'expected -5, got 5' },
  state: 'waiting',
  raisedAt: '2026-12-01T10:26:00.000Z',
  position: 3,
};

describe('live help text', () => {
  it('counts places as people say them', () => {
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 112].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '112th']);
  });

  it("tells the student where their hand is, who helps, and when the terminal is viewed", () => {
    assert.equal(handStatus(hand), 'Hand raised — 3rd in queue');
    assert.equal(handStatus({ ...hand, state: 'helping', position: undefined, helperId: 'tara', helperName: 'Tara' }), 'Tara is helping you');
    assert.equal(handStatus({ ...hand, state: 'helping', helperName: 'Prof. Ada', terminalSince: NOW.toISOString() }), 'Prof. Ada is viewing your terminal');
    assert.equal(handStatus({ ...hand, state: 'ended' }), undefined);
    assert.equal(handStatus({ ...hand, state: 'lowered' }), undefined);
  });

  it('shows staff the student, the assignment, the failing test and how long they have waited', () => {
    const row = queueRow(hand, NOW);
    assert.equal(row.label, 'Alice');
    assert.equal(row.description, 'c-sum · ✗ adds negatives · waiting 4 min');
    assert.ok(row.tooltip.includes('“negative numbers?”'));
    assert.ok(row.tooltip.includes('expected -5, got 5'));
    assert.equal(queueRow({ ...hand, state: 'helping', helperName: 'Tara', failingTest: undefined }, NOW).description, 'c-sum · helped by Tara');
    assert.deepEqual([waitedFor(NOW.toISOString(), NOW), waitedFor('2026-12-01T09:25:00.000Z', NOW), waitedFor('2026-12-01T08:30:00.000Z', NOW)], ['just now', '1 h 5 min', '2 h']);
  });

  it('cuts a long failing test to what the hub accepts', () => {
    const t = failingTestAttachment('n'.repeat(1000), 'x'.repeat(100_000));
    assert.equal(t.name.length, MAX_HELP_TEST_NAME_CHARS);
    assert.equal(t.message.length, MAX_HELP_TEST_MESSAGE_CHARS);
    assert.ok(t.message.endsWith('…'));
    assert.deepEqual(failingTestAttachment('  sums  ', 'diff'), { name: 'sums', message: 'diff' });
  });

  it('addresses live files inside the workspace only', () => {
    const f = { courseId: 'cs101', studentId: 'alice', path: 'c-sum/my file.c' };
    assert.equal(livePath(f), '/cs101/alice/c-sum/my%20file.c');
    assert.deepEqual(parseLivePath(livePath(f)), f);
    assert.deepEqual(parseLivePath('/cs101/alice'), { courseId: 'cs101', studentId: 'alice', path: '' });
    assert.throws(() => parseLivePath('/cs101/alice/../bob/x.c'), /leaves the workspace/);
    assert.throws(() => parseLivePath('/cs101/alice/c-sum%2F..%2F..%2Fetc'), /leaves the workspace/);
    assert.throws(() => parseLivePath('/cs101'), /names no student/);
  });

  it("opens the assignment's own files, not hidden ones or folders", () => {
    const e = (name: string, type: 'file' | 'directory' = 'file') => ({ name, type, size: 1, mtimeMs: 0 });
    assert.deepEqual(filesToOpen([e('.classpod', 'directory'), e('.hidden'), e('sum.c'), e('tests', 'directory'), e('README.md')]), ['sum.c', 'README.md']);
  });
});
