import * as assert from 'node:assert/strict';
import {
  GetResultRequest,
  GetSubmissionRequest,
  ScoreChangedNotification,
  SubmitRequest,
  type AssignmentSummary,
  type SubmissionSummary,
} from '@classpod/protocol';
import { silentLogger } from '@classpod/observability';
import { openEndpoint } from '../../../src/connection/open-endpoint';
import { ReconnectingConnection } from '../../../src/connection/reconnecting-connection';
import { HubEvents } from '../../../src/session/hub-events';
import { confirmation, gradedMessage, receipt } from '../../../src/submissions/receipt';
import { SubmissionClient } from '../../../src/submissions/submission-client';
import { startFakeHub, type FakeHub } from '../fake-hub';

const submitted: SubmissionSummary = {
  id: 'sub-1',
  courseId: 'cs101',
  assignmentId: 'hello-c',
  studentId: 'alice',
  snapshotHash: 'ab'.repeat(32),
  submittedAt: '2026-11-24T18:00:00.000Z',
  source: 'submitted',
  late: false,
  penaltyPercent: 0,
  status: 'queued',
  fileCount: 2,
  totalBytes: 120,
};

describe('SubmissionClient against a hub that pushes score events', function () {
  let hub: FakeHub;
  let connection: ReconnectingConnection;
  let status: SubmissionSummary['status'];

  beforeEach(async function () {
    hub = await startFakeHub();
    status = 'queued';
    hub.onConnect = (endpoint) => {
      endpoint.handle(SubmitRequest.type, () => ({ submission: submitted, serverTime: '2026-11-24T18:00:00.000Z' }));
      endpoint.handle(GetSubmissionRequest.type, () => ({ submission: { ...submitted, status } }));
      endpoint.handle(GetResultRequest.type, () => ({
        result: {
          submissionId: 'sub-1',
          status: 'graded' as const,
          score: 85,
          maxScore: 100,
          penaltyPercent: 0,
          counts: true,
          hiddenTests: 0,
          tests: [{ name: 'small', group: 'examples', public: true, verdict: 'AC' as const, score: 15, maxScore: 15 }],
        },
      }));
    };
    connection = new ReconnectingConnection(
      () => openEndpoint({ server: new URL(hub.url), path: '/v1/connect', token: 'alice-token', capabilities: [], clientVersion: 't', logger: silentLogger }),
      { initialDelayMs: 20 },
    );
    await connection.ready();
  });
  afterEach(async function () {
    connection.dispose();
    await hub.close();
  });

  it('submits, then resolves with the result when the score event arrives', async function () {
    const events = new HubEvents(connection);
    const client = new SubmissionClient(() => connection.ready(), events);
    const r = await client.submit('cs101', 'hello-c');
    assert.equal(r.submission.snapshotHash, 'ab'.repeat(32));
    const waiting = client.waitForResult('sub-1');
    status = 'graded';
    hub.endpoints[hub.endpoints.length - 1]!.notify(ScoreChangedNotification.type, {
      courseId: 'cs101',
      assignmentId: 'hello-c',
      studentId: 'alice',
      submissionId: 'sub-1',
      status: 'graded',
      score: 85,
      maxScore: 100,
      cause: 'graded',
      counts: true,
    });
    const result = await waiting;
    assert.equal(result.score, 85);
    events.dispose();
  });

  it('finds a grade it missed while the connection was down', async function () {
    const events = new HubEvents(connection);
    const client = new SubmissionClient(() => connection.ready(), events);
    const waiting = client.waitForResult('sub-1');
    const reconnected = new Promise<void>((resolve) => events.onDidReconnect(() => resolve()));
    hub.dropAll();
    status = 'graded'; // graded while nobody listened
    await reconnected;
    assert.equal((await waiting).status, 'graded');
    events.dispose();
  });
});

describe('submission texts', function () {
  const a: AssignmentSummary = {
    id: 'hello-c',
    courseId: 'cs101',
    title: 'Hello, C',
    dueAt: '2026-11-27T22:59:00.000Z',
    extended: false,
    latePolicy: { penaltyPercentPerDay: 10, cutoffAt: '2026-11-29T22:59:00.000Z' },
    state: 'in progress',
  };

  it('shows the deadline before submitting on time', function () {
    const c = confirmation(a, new Date('2026-11-24T12:00:00Z'), 'UTC');
    assert.equal(c.message, 'Submit “Hello, C”?');
    assert.match(c.detail, /^Due Fri, 27 Nov 2026, 22:59 \(UTC\) — in 3 days\./);
    assert.doesNotMatch(c.detail, /is late/);
  });

  it('warns about the penalty and the cut-off when late', function () {
    const c = confirmation(a, new Date('2026-11-28T12:00:00Z'), 'UTC');
    assert.match(c.detail, /13 hours ago/);
    assert.match(c.detail, /This submission is late: 10% off per started day until Sun, 29 Nov 2026, 22:59 \(UTC\)\./);
  });

  it('names the snapshot, the server time and lateness in the receipt', function () {
    assert.equal(
      receipt('Hello, C', { ...submitted, late: true, penaltyPercent: 10 }, '2026-11-24T18:00:00.000Z', 'UTC'),
      'Submitted “Hello, C” at Tue, 24 Nov 2026, 18:00 (UTC) (server time), late (−10%). Snapshot abababababab · 2 files.',
    );
    assert.equal(gradedMessage('Hello, C', { score: 85, maxScore: 100, status: 'graded', cause: 'graded' }), '“Hello, C” graded: 85/100.');
    assert.match(gradedMessage('Hello, C', { status: 'failed', cause: 'failed' }), /did not finish/);
    assert.equal(
      gradedMessage('Hello, C', { score: 95, maxScore: 100, status: 'graded', cause: 'rubric', rubricPoints: -5 }),
      '“Hello, C”: your professor graded it with the rubric; the score is 95/100 (rubric −5). Show Results lists the items.',
    );
    const override = { score: 9, comment: 'Correct; the checker missed a trailing newline.', authorId: 'prof', at: '2026-11-25T10:00:00.000Z' };
    assert.equal(
      gradedMessage('Hello, C', { score: 9, maxScore: 10, status: 'graded', cause: 'override', override }),
      '“Hello, C”: Score set to 9/10 by your professor: “Correct; the checker missed a trailing newline.”',
      'the comment reaches the student in the notification',
    );
    // Judged again: an extension after a late submission, late days granted, new dates.
    assert.equal(
      gradedMessage('Hello, C', { score: 80, maxScore: 100, status: 'graded', cause: 'lateness', lateness: { late: false, penaltyPercent: 0, lateDaysUsed: 0 } }),
      '“Hello, C”: judged again by your deadline as it is now (an extension, late days or new dates): on time; the score is 80/100.',
    );
    assert.match(gradedMessage('Hello, C', { score: 60, maxScore: 100, status: 'graded', cause: 'lateness', lateness: { late: true, penaltyPercent: 25, lateDaysUsed: 0 } }), /a late penalty of 25%; the score is 60\/100\.$/);
    assert.match(gradedMessage('Hello, C', { score: 80, maxScore: 100, status: 'graded', cause: 'lateness', lateness: { late: true, penaltyPercent: 0, lateDaysUsed: 1 } }), /late, with no penalty; the score is 80\/100\.$/);
  });
});
