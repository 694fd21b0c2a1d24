// A student's regrade requests as the Classpod view shows them: the newest
// of an assignment on its row ("regrade requested", then "regrade answered"
// with the answer in the hover), updated by the hub's events, and the notice
// the student reads when the staff answer.

import * as assert from 'node:assert/strict';
import { CreateRegradeRequestRequest, ListRegradeRequestsRequest, type RegradeRequestInfo } from '@classpod/protocol';
import { regradeAnsweredNotice, regradeReportLines, regradeRequestText, StudentRegradeRequests } from '../../../src/courses/regrade-requests';
import type { HubRequester } from '../../../src/professor/hub-requester';

const open: RegradeRequestInfo = {
  id: 'rr_1',
  courseId: 'cs101',
  assignmentId: 'c-sum',
  studentId: 'alice',
  submissionId: 's_1',
  message: 'My sum handles negatives.',
  at: '2026-11-24T12:00:00.000Z',
  state: 'open',
};
const answered: RegradeRequestInfo = {
  ...open,
  state: 'answered',
  answer: { message: 'You are right.', outcome: 'overridden', score: 9, authorId: 'prof', authorName: 'Prof. Ada', at: '2026-11-24T13:00:00.000Z' },
};

describe('student regrade requests', () => {
  it('reads a course once, shows the newest request of an assignment, and follows what the hub says', async () => {
    const sent: string[] = [];
    const request = (async (type: { method: string }, params: unknown) => {
      sent.push(type.method);
      if (type.method === ListRegradeRequestsRequest.method) return { requests: [] };
      if (type.method === CreateRegradeRequestRequest.method) return { request: { ...open, message: (params as { message: string }).message } };
      throw new Error(`unexpected ${type.method}`);
    }) as unknown as HubRequester;
    const requests = new StudentRegradeRequests(request);
    let changes = 0;
    requests.onDidChange(() => changes++);
    await requests.load('cs101');
    assert.equal(requests.latest('cs101', 'c-sum'), undefined);
    const made = await requests.create({ submissionId: 's_1', message: 'My sum handles negatives.' });
    assert.equal(requests.latest('cs101', 'c-sum')?.id, made.id);
    assert.equal(regradeRequestText(requests.latest('cs101', 'c-sum')!).description, 'regrade requested');
    requests.apply(answered);
    assert.equal(requests.ofSubmission('s_1')?.state, 'answered');
    assert.deepEqual(regradeRequestText(requests.latest('cs101', 'c-sum')!), {
      description: 'regrade answered',
      tooltip: ['Regrade requested: “My sum handles negatives.”', 'Answer from Prof. Ada (score set to 9): “You are right.”'],
    });
    assert.equal(changes, 3);
    assert.deepEqual(sent, ['regradeRequests/list', 'regradeRequests/create']);
  });

  it('tells the student the answer, and Show Results how to ask', () => {
    assert.equal(regradeAnsweredNotice(answered, 'Sum of two numbers'), 'Prof. Ada answered your regrade request on “Sum of two numbers”: You are right. Your score is now 9.');
    assert.match(regradeReportLines(undefined).join('\n'), /Request Regrade…/);
    assert.deepEqual(regradeReportLines(open), ['', 'Regrade requested: “My sum handles negatives.” (waiting for an answer)']);
  });
});
