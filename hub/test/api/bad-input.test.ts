// Bad input on every method: wrong shapes answer InvalidParams naming the
// field, wrong values answer the error a person can act on, and the connection
// keeps working afterwards. Nothing is written by a refused request.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  errorCodeName,
  ExtendDeadlineRequest,
  GetSubmissionRequest,
  ListAssignmentsRequest,
  methodCatalogue,
  ReadSubmissionFileRequest,
  RegradeRequest,
  SubmitRequest,
  UpsertAssignmentRequest,
  WhoAmIRequest,
  type AnyRequestType,
  type TSchema,
} from '@classpod/protocol';
import { DEMO_COURSE_DIR, startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';
import { folderAsUpload, HUB_API_PREFIXES } from '../support/hub-api-methods';
import { refusal } from '../support/refusals';

function refusedWith(call: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  return assert.rejects(call, refusal(code, message));
}

/** Required property names of an object schema. */
function required(schema: TSchema): string[] {
  return ((schema as { required?: string[] }).required ?? []).slice();
}

describe('bad input on every hub method', function () {
  this.timeout(60_000);
  let t: TestHub;
  let prof: TestClient;
  let alice: TestClient;

  before(async () => {
    t = await startTestHub();
    prof = await t.connect('prof');
    alice = await t.connect('alice');
  });
  after(async () => t?.close());

  const methods = [...methodCatalogue().values()].filter(
    (m): m is AnyRequestType => m.kind === 'request' && HUB_API_PREFIXES.some((p) => m.method.startsWith(p)),
  );

  for (const m of methods) {
    it(`${m.method}: refuses params of the wrong shape and stays connected`, async () => {
      // Not an object at all.
      await refusedWith(prof.endpoint.request(m, [1, 2] as never), 'InvalidParams');
      // Every required field of the wrong type.
      const names = required(m.params);
      if (names.length > 0) {
        await refusedWith(prof.endpoint.request(m, {} as never), 'InvalidParams', new RegExp(`params of ${m.method}`));
        const wrong = Object.fromEntries(names.map((n) => [n, { nested: true }]));
        await refusedWith(prof.endpoint.request(m, wrong as never), 'InvalidParams');
      }
      assert.equal((await prof.request(WhoAmIRequest.type, {})).personId, 'prof');
    });
  }

  it('refuses ids that are not slugs', async () => {
    await refusedWith(alice.request(ListAssignmentsRequest.type, { courseId: '../cs101' }), 'InvalidParams', /courseId/);
    await refusedWith(alice.request(ListAssignmentsRequest.type, { courseId: 'CS101' }), 'InvalidParams');
    await refusedWith(alice.request(GetSubmissionRequest.type, { submissionId: 'x'.repeat(65) }), 'InvalidParams');
  });

  it('answers NotFound for things that do not exist', async () => {
    await refusedWith(alice.request(GetSubmissionRequest.type, { submissionId: 's_0000' }), 'NotFound');
    await refusedWith(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'no-such' }), 'NotFound');
    await refusedWith(prof.request(ListAssignmentsRequest.type, { courseId: 'cs101', studentId: 'nobody' }), 'NotFound');
  });

  it('refuses a submission when the student has no folder for it', async () => {
    await refusedWith(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }), 'NotFound', /no folder c-sum/);
  });

  it('refuses paths that leave a snapshot', async () => {
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
    const s = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    await refusedWith(alice.request(ReadSubmissionFileRequest.type, { submissionId: s.id, path: '../../hub.sqlite' }), 'NotFound');
    await refusedWith(alice.request(ReadSubmissionFileRequest.type, { submissionId: s.id, path: '.classpod/tests/spec.json' }), 'NotFound');
  });

  it('refuses a deadline that is not an instant', async () => {
    await refusedWith(prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', dueAt: 'tomorrow' }), 'InvalidParams', /dueAt/);
    await refusedWith(prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'prof', dueAt: new Date().toISOString() }), 'NotFound');
  });

  it('refuses a regrade that names nothing', async () => {
    await refusedWith(prof.request(RegradeRequest.type, { courseId: 'cs101' }), 'InvalidParams', /name a submissionId/);
  });

  it('refuses assignment folders that are broken, and stores nothing', async () => {
    const before = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
    const files = folderAsUpload(join(DEMO_COURSE_DIR, 'assignments/c-sum'));
    const upsert = (fs: typeof files, id = 'c-sum'): Promise<unknown> => prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: id, files: fs });
    await refusedWith(upsert([...files, { path: '../escape.txt', contentBase64: '' }]), 'InvalidParams', /leaves its folder/);
    await refusedWith(upsert(files.filter((f) => f.path !== 'assignment.yaml')), 'InvalidParams', /assignment.yaml is missing/);
    await refusedWith(
      upsert(files.map((f) => (f.path === 'assignment.yaml' ? { ...f, contentBase64: Buffer.from('title: x\ndue: someday\n').toString('base64') } : f))),
      'InvalidParams',
      /due `someday`/,
    );
    await refusedWith(
      upsert(files.map((f) => (f.path === 'grading/spec.yaml' ? { ...f, contentBase64: Buffer.from('language: cobol\n').toString('base64') } : f))),
      'InvalidParams',
    );
    await refusedWith(upsert(files.filter((f) => !f.path.startsWith('grading/'))), 'InvalidParams', /spec.yaml is missing/);
    assert.deepEqual(await t.hub.store.assignments.get('cs101', 'c-sum'), before);
    assert.equal(await t.hub.store.assignments.get('cs101', 'new-one'), undefined);
  });

  it('shows what students receive from an assignment folder without storing it on a dry run', async () => {
    const r = await prof.request(UpsertAssignmentRequest.type, {
      courseId: 'cs101',
      assignmentId: 'new-one',
      dryRun: true,
      files: folderAsUpload(join(DEMO_COURSE_DIR, 'assignments/c-sum')),
    });
    assert.equal(r.created, true);
    assert.ok(r.studentFiles.includes('sum.c'));
    assert.ok(r.studentFiles.includes('.classpod/tests/spec.json'));
    assert.ok(!r.studentFiles.some((f) => f.startsWith('solution/') || f.startsWith('grading/')));
    assert.ok(r.hiddenTests > 0);
    assert.equal(await t.hub.store.assignments.get('cs101', 'new-one'), undefined);
  });

  it('answers TooLarge to a frame over the limit and keeps the connection', async () => {
    const small = await startTestHub({ maxFrameBytes: 64 * 1024 });
    try {
      const c = await small.connect('alice');
      const send = (id: number, pad: number): Promise<{ error?: { code: number } }> => {
        const reply = new Promise<{ error?: { code: number } }>((resolve) => c.ws.once('message', (d) => resolve(JSON.parse(String(d)))));
        c.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'people/whoami', params: { pad: 'x'.repeat(pad) } }));
        return reply;
      };
      assert.equal((await send(99, 40 * 1024)).error, undefined);
      assert.equal(errorCodeName((await send(100, 70 * 1024)).error!.code), 'TooLarge');
      assert.equal((await c.request(WhoAmIRequest.type, {})).personId, 'alice');
    } finally {
      await small.close();
    }
  });
});
