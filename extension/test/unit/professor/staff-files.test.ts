// Plain pieces of the professor side: the submission file cache, classpod
// document addresses, due times as typed, reading an assignment
// folder, and the words rows use.

import * as assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubmissionFileCache } from '../../../src/professor/submission-file-cache';
import { documentPath, parseDocumentPath, type ClasspodDocument } from '../../../src/professor/classpod-uri';
import { parseDueTime } from '../../../src/professor/due-time';
import { describeUpsert, readAssignmentFolder } from '../../../src/professor/assignment-folder';
import { formatBytes } from '@classpod/protocol';
import { formatCpu, verdictSummary } from '../../../src/professor/cluster-presentation';
import { teachesAnyCourse } from '../../../src/professor/professor-session';
import { ASSIGNMENT_FIXTURE_FILES, writeAssignmentFixture } from '@classpod/test-support';

describe('submission file cache', function () {
  it('reads a file once, shares a read in flight, and forgets the least recently used over its limit', async function () {
    const asked: string[] = [];
    const cache = new SubmissionFileCache(
      async (id, path) => {
        asked.push(`${id}:${path}`);
        return new Uint8Array(40).fill(path.length);
      },
      { maxBytes: 100 },
    );
    const [a, b] = await Promise.all([cache.get('s1', 'a.c'), cache.get('s1', 'a.c')]);
    assert.equal(a, b);
    await cache.get('s1', 'b.c');
    await cache.get('s1', 'a.c'); // a.c is now the most recently used
    await cache.get('s1', 'c.c'); // over 100 bytes: b.c goes
    assert.equal(cache.size, 80);
    await cache.get('s1', 'a.c');
    await cache.get('s1', 'b.c');
    assert.deepEqual(asked, ['s1:a.c', 's1:b.c', 's1:c.c', 's1:b.c']);
  });

  it('does not keep a failed read', async function () {
    let fail = true;
    const cache = new SubmissionFileCache(async () => {
      if (fail) throw new Error('no submission x');
      return new Uint8Array([1]);
    });
    await assert.rejects(() => cache.get('x', 'a'), /no submission x/);
    fail = false;
    assert.deepEqual([...(await cache.get('x', 'a'))], [1]);
  });
});

describe('classpod document addresses', function () {
  it('round-trips submission, starter and empty documents, spaces and nested folders included', function () {
    const docs: ClasspodDocument[] = [
      { kind: 'submission', courseId: 'cs101', assignmentId: 'hello-c', studentId: 'alice', submissionId: 'sub_1', path: 'src/my file.c' },
      { kind: 'starter', courseId: 'cs101', assignmentId: 'hello-c', path: 'main.c' },
      { kind: 'empty', path: 'notes/x#1.txt' },
      { kind: 'preview', courseId: 'cs101', assignmentId: 'hello-c', path: 'what-students-receive.md' },
      { kind: 'audit', courseId: 'cs101', path: 'audit-log.md' },
    ];
    for (const d of docs) assert.deepEqual(parseDocumentPath(documentPath(d)), d);
    assert.equal(documentPath(docs[0]!), '/submissions/cs101/hello-c/alice/sub_1/src/my%20file.c');
  });

  it('refuses an address that names no file', function () {
    assert.throws(() => parseDocumentPath('/submissions/cs101/hello-c/alice'), /does not name a file/);
    assert.throws(() => parseDocumentPath('/audit/cs101'), /does not name a file/);
    assert.throws(() => parseDocumentPath('/elsewhere/x'), /neither a submission/);
  });
});

describe('due times as typed', function () {
  const now = new Date('2026-11-24T12:00:00.000Z');
  const due = new Date('2026-11-25T23:59:00.000Z');

  it('shifts the current due time', function () {
    assert.deepEqual(parseDueTime('+2d', due, now), { dueAt: new Date('2026-11-27T23:59:00.000Z') });
    assert.deepEqual(parseDueTime('+36h', undefined, now), { dueAt: new Date('2026-11-26T00:00:00.000Z') });
    assert.deepEqual(parseDueTime('+1d 12H', undefined, now), { dueAt: new Date('2026-11-26T00:00:00.000Z') });
  });

  it('reads an ISO instant and a local date and time', function () {
    assert.deepEqual(parseDueTime('2026-12-01T10:00:00Z', due, now), { dueAt: new Date('2026-12-01T10:00:00.000Z') });
    const local = parseDueTime('2026-12-01 23:59', due, now);
    assert.ok('dueAt' in local);
    assert.equal(local.dueAt.getHours(), 23);
    assert.equal(local.dueAt.getDate(), 1);
  });

  it('explains what it accepts when it cannot read the text', function () {
    const r = parseDueTime('next friday', due, now);
    assert.ok('error' in r && /\+2d/.test(r.error));
    assert.ok('error' in parseDueTime('2026-02-30 10:00', due, now));
    assert.ok('error' in parseDueTime('+2y', due, now));
    assert.ok('error' in parseDueTime('+9999999999999999w', due, now));
  });
});

describe('assignment folder', function () {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classpod-folder-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every file with its mode, leaving out version control and dependencies', async function () {
    await mkdir(join(dir, 'starter'), { recursive: true });
    await mkdir(join(dir, '.git'), { recursive: true });
    await mkdir(join(dir, 'grading', 'node_modules'), { recursive: true });
    await writeFile(join(dir, 'assignment.yaml'), 'title: Hello\n');
    await writeFile(join(dir, 'starter', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(dir, '.git', 'HEAD'), 'ref\n');
    await writeFile(join(dir, 'grading', 'node_modules', 'x.js'), '1');
    const files = await readAssignmentFolder(dir);
    assert.deepEqual(
      files.map((f) => [f.path, f.mode]),
      [
        ['assignment.yaml', 0o644],
        ['starter/run.sh', 0o755],
      ],
    );
    assert.equal(Buffer.from(files[0]!.contentBase64, 'base64').toString(), 'title: Hello\n');
  });

  it('skips what the hub skips: the shared fixture holds exactly the files hub/test/assignments/assignment-folder-skips.test.ts finds', async function () {
    await writeAssignmentFixture(dir);
    const files = await readAssignmentFolder(dir);
    assert.deepEqual(files.map((f) => f.path).sort(), [...ASSIGNMENT_FIXTURE_FILES]);
  });

  it('refuses symbolic links and folders over the limits, saying which', async function () {
    await writeFile(join(dir, 'a.txt'), 'x'.repeat(100));
    await symlink('/etc/passwd', join(dir, 'b.txt'));
    await assert.rejects(() => readAssignmentFolder(dir), /b\.txt is a symbolic link/);
    await rm(join(dir, 'b.txt'));
    await assert.rejects(() => readAssignmentFolder(dir, { maxBytes: 50 }), /more than 50 bytes \(at a\.txt\)/);
  });

  it('describes what students will receive', function () {
    const text = describeUpsert(
      'cs101',
      {
        assignment: { id: 'hello-c', courseId: 'cs101', title: 'Hello, C', dueAt: '2026-12-01T23:59:00.000Z', extended: false, latePolicy: { penaltyPercentPerDay: 10 }, state: 'not started', maxScore: 10 },
        created: true,
        studentFiles: ['main.c', '.classpod/assignment.json', '.classpod/tests/spec.json'],
        hiddenTests: 3,
        warnings: ['test "big" has no time limit'],
      },
      true,
    );
    assert.match(text, /Would create assignment `hello-c` in course `cs101`/);
    assert.match(text, /Hidden tests \(kept on the grader, never sent to students\): 3/);
    assert.match(text, /## Students receive 3 files\n\n- `.classpod\/assignment.json`/);
    assert.match(text, /## Warnings\n\n- test "big" has no time limit/);
  });
});

describe('row words', function () {
  it('formats bytes, CPU and verdict summaries', function () {
    assert.equal(formatBytes(300), '300 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64 MiB');
    assert.equal(formatCpu(250), '250m CPU');
    assert.equal(formatCpu(2000), '2 CPU');
    const base = { submissionId: 's', penaltyPercent: 0, counts: true, hiddenTests: 0 };
    assert.equal(verdictSummary({ ...base, status: 'failed', tests: [], error: 'worker lost' }), 'grading failed: worker lost');
    assert.equal(verdictSummary({ ...base, status: 'graded', tests: [], compile: { status: 'CE', output: 'main.c:1: error', cached: false } }), 'build failed');
    assert.equal(
      verdictSummary({
        ...base,
        status: 'graded',
        hiddenTests: 2,
        tests: [
          { name: 'a', public: true, verdict: 'AC', score: 1, maxScore: 1 },
          { public: false, hiddenIndex: 1, verdict: 'TLE', score: 0, maxScore: 1 },
          { public: false, hiddenIndex: 2, verdict: 'TLE', score: 0, maxScore: 1 },
        ],
      }),
      '1/3 passed · 2 Time limit exceeded',
    );
  });
});

describe('who gets the Cluster view', function () {
  it('is anyone who teaches a course, or an administrator; never a student only', function () {
    assert.equal(teachesAnyCourse({ admin: false, courses: [{ courseId: 'cs101', role: 'student' }] }), false);
    assert.equal(teachesAnyCourse({ admin: false, courses: [] }), false);
    assert.equal(teachesAnyCourse({ admin: false, courses: [{ courseId: 'cs101', role: 'student' }, { courseId: 'cs202', role: 'assistant' }] }), true);
    assert.equal(teachesAnyCourse({ admin: true, courses: [] }), true);
  });
});
