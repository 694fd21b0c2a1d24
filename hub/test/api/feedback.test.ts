// Feedback on code against a real hub over real WebSockets: staff comment on
// lines of a submitted file and answer each other in a thread; the student
// reads those comments on their own work, and nobody else does. From the
// attacker's side: a student who writes feedback, staff of another course, a
// path outside the snapshot, lines past the end of the file, a reply that
// moves lines or jumps to another submission's thread, an empty or overlong
// comment — each is refused with the reason, and nothing of it is stored.

import assert from 'node:assert/strict';
import {
  AddFeedbackRequest,
  ListAuditRequest,
  ListFeedbackRequest,
  MAX_FEEDBACK_CHARS,
  ReadSubmissionFileRequest,
  SubmitRequest,
} from '@classpod/protocol';
import { lineCount } from '../../src/api/feedback-methods';
import { refusalOf as refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';


describe('feedback on code', function () {
  this.timeout(120_000);
  let t: TestHub;
  let aliceSub = '';
  let bobSub = '';
  let lines = 0;

  before(async () => {
    t = await startTestHub();
    for (const s of ['alice', 'bob']) await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
    aliceSub = (await (await t.connect('alice')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    bobSub = (await (await t.connect('bob')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    const file = await (await t.connect('prof')).request(ReadSubmissionFileRequest.type, { submissionId: aliceSub, path: 'sum.c' });
    lines = lineCount(Buffer.from(file.contentBase64, 'base64'));
    assert.ok(lines >= 3, 'the starter file has a few lines');
  });
  after(async () => t?.close());

  const aliceFeedback = async (who: string) => (await t.connect(who)).request(ListFeedbackRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' });

  it('lets staff comment on lines and answer in a thread, and shows the student exactly that', async () => {
    const prof = await t.connect('prof');
    const { comment: first } = await prof.request(AddFeedbackRequest.type, { submissionId: aliceSub, path: 'sum.c', line: 2, endLine: 3, body: '  Read **both** numbers before you add them.  ' });
    assert.deepEqual([first.path, first.line, first.endLine, first.body, first.authorId, first.authorName, first.threadId], ['sum.c', 2, 3, 'Read **both** numbers before you add them.', 'prof', 'Prof. Ada', first.id]);
    const tara = await t.connect('tara');
    const { comment: reply } = await tara.request(AddFeedbackRequest.type, { submissionId: aliceSub, threadId: first.id, body: 'And mind the overflow.' });
    assert.deepEqual([reply.threadId, reply.path, reply.line, reply.endLine], [first.id, 'sum.c', 2, 3], 'a reply stays on the thread');

    const alice = await t.connect('alice');
    const own = await alice.request(ListFeedbackRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.deepEqual(own.comments.map((c) => [c.authorName, c.body, c.line]), [['Prof. Ada', 'Read **both** numbers before you add them.', 2], ['Tara (assistant)', 'And mind the overflow.', 2]]);
    assert.deepEqual(own.comments, (await aliceFeedback('prof')).comments, 'staff and the student read the same thread');
    const bob = await t.connect('bob');
    assert.deepEqual((await bob.request(ListFeedbackRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).comments, [], "Bob's own work has no comments");
    const audit = await prof.request(ListAuditRequest.type, { courseId: 'cs101' });
    assert.deepEqual(audit.entries.filter((e) => e.action === 'feedback.add').map((e) => e.actorId).sort(), ['prof', 'tara']);
  });

  it("refuses a student who writes feedback, and anyone who reads another student's", async () => {
    for (const who of ['alice', 'bob']) {
      const r = await refusal((await t.connect(who)).request(AddFeedbackRequest.type, { submissionId: aliceSub, path: 'sum.c', line: 1, body: 'looks great to me' }));
      assert.deepEqual(r, { code: 'Forbidden', message: 'only the staff of course cs101 may do this' }, who);
    }
    assert.deepEqual(await refusal(aliceFeedback('bob')), { code: 'Forbidden', message: 'you may see only your own work' });
    for (const who of ['olga', 'dave']) {
      assert.equal((await refusal((await t.connect(who)).request(AddFeedbackRequest.type, { submissionId: aliceSub, path: 'sum.c', line: 1, body: 'x' }))).code, 'Forbidden', who);
      assert.equal((await refusal(aliceFeedback(who))).code, 'Forbidden', who);
    }
    const prof = await t.connect('prof');
    assert.equal((await refusal(prof.request(ListFeedbackRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }))).code, 'InvalidParams', 'staff name the student');
    assert.equal((await refusal(prof.request(ListFeedbackRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', submissionId: bobSub }))).code, 'NotFound', "Bob's submission is not Alice's");
  });

  it('refuses places that are not in the file, and comments that say nothing or too much; nothing is stored', async () => {
    const prof = await t.connect('prof');
    const before = (await aliceFeedback('prof')).comments.length;
    const tries: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ path: '../../etc/passwd', line: 1 }, 'NotFound', /has no file \.\.\/\.\.\/etc\/passwd/],
      [{ path: 'nope.c', line: 1 }, 'NotFound', /has no file nope\.c/],
      [{ path: '/sum.c', line: 1 }, 'NotFound', /has no file/],
      [{ path: 'sum.c', line: lines + 1 }, 'InvalidParams', new RegExp(`line ${lines + 1} is past the end of sum\\.c, which has ${lines} lines`)],
      [{ path: 'sum.c', line: 1, endLine: lines + 50 }, 'InvalidParams', /past the end/],
      [{ path: 'sum.c', line: 3, endLine: 2 }, 'InvalidParams', /comes before/],
      [{ path: 'sum.c', line: 0 }, 'InvalidParams', /line/],
      [{ path: 'sum.c' }, 'InvalidParams', /name the file \(path\) and the line/],
      [{ line: 1 }, 'InvalidParams', /name the file/],
      [{ path: 'sum.c', line: 1, body: '   \n\t ' }, 'InvalidParams', /needs some text/],
      [{ path: 'sum.c', line: 1, body: 'x'.repeat(MAX_FEEDBACK_CHARS + 1) }, 'InvalidParams', /body/],
      [{ path: 'sum.c', line: 1, submissionId: 'no-such' }, 'NotFound', /no submission no-such/],
      [{ path: 'sum.c', line: 1, submissionId: '../x' }, 'InvalidParams', /submissionId/],
    ];
    for (const [params, code, message] of tries) {
      const r = await refusal(prof.endpoint.request(AddFeedbackRequest.type, { submissionId: aliceSub, body: 'a comment', ...params } as never));
      assert.equal(r.code, code, `${JSON.stringify(params).slice(0, 80)}: ${r.message}`);
      assert.match(r.message, message);
      assert.doesNotMatch(r.message, /\/tmp\/|\/work\//, 'no host path in the refusal');
    }
    assert.equal((await aliceFeedback('prof')).comments.length, before);
  });

  it("refuses a reply that moves to other lines, or to a thread of another submission", async () => {
    const prof = await t.connect('prof');
    const { comment: onBob } = await prof.request(AddFeedbackRequest.type, { submissionId: bobSub, path: 'sum.c', line: 1, body: 'Start here.' });
    const first = (await aliceFeedback('prof')).comments[0]!;
    const before = (await aliceFeedback('prof')).comments.length;
    assert.deepEqual(await refusal(prof.request(AddFeedbackRequest.type, { submissionId: aliceSub, threadId: onBob.id, body: 'crossing over' })), { code: 'NotFound', message: `no thread ${onBob.id} on submission ${aliceSub}` });
    assert.equal((await refusal(prof.request(AddFeedbackRequest.type, { submissionId: aliceSub, threadId: first.id, line: 1, body: 'moved' }))).code, 'InvalidParams');
    assert.equal((await refusal(prof.request(AddFeedbackRequest.type, { submissionId: aliceSub, threadId: 'f_0000', body: 'nothing there' }))).code, 'NotFound');
    const replies = (await aliceFeedback('prof')).comments.filter((c) => c.threadId === first.id && c.id !== first.id);
    assert.equal(replies.length, 1, 'a reply is never a thread of its own');
    assert.equal((await refusal(prof.request(AddFeedbackRequest.type, { submissionId: aliceSub, threadId: replies[0]!.id, body: 'reply to a reply' }))).code, 'NotFound', 'threads are named by their first comment');
    assert.equal((await aliceFeedback('prof')).comments.length, before);
  });

  it('counts lines as an editor numbers them', () => {
    assert.equal(lineCount(Buffer.from('')), 1);
    assert.equal(lineCount(Buffer.from('a')), 1);
    assert.equal(lineCount(Buffer.from('a\n')), 1);
    assert.equal(lineCount(Buffer.from('a\nb')), 2);
    assert.equal(lineCount(Buffer.from('a\r\nb\r\n')), 2);
  });
});
