// Every hub method × every role × owner / not owner, table-driven, against a
// real hub over real WebSockets: a student reaches only their own work, staff
// only their own course, and some actions are for professors alone.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  AddFeedbackRequest,
  ListGroupsRequest,
  RemoveGroupRequest,
  SaveGroupRequest,
  errorCodeName,
  CancelPrewarmRequest,
  ExportGradesRequest,
  ListPrewarmRequest,
  SchedulePrewarmRequest,
  ExtendDeadlineRequest,
  GetGradebookRequest,
  FetchStarterRequest,
  GetAssignmentRequest,
  GetResultRequest,
  GrantAttemptsRequest,
  GetSubmissionRequest,
  ListAssignmentsRequest,
  ListAuditRequest,
  ListClusterNodesRequest,
  ListFeedbackRequest,
  ListCoursePeopleRequest,
  ListCoursesRequest,
  ListSubmissionFilesRequest,
  ListSubmissionsRequest,
  ListWorkspacesRequest,
  OpenWorkspaceTerminalRequest,
  OverrideScoreRequest,
  ProtocolError,
  ReadSubmissionFileRequest,
  RegradeRequest,
  StartWorkspaceRequest,
  StopWorkspaceRequest,
  SubmitRequest,
  UpsertAssignmentRequest,
  WhoAmIRequest,
  methodCatalogue,
  type AnyRequestType,
  ListVersionFilesRequest,
  ListVersionsRequest,
  ReadVersionFileRequest,
  RestoreVersionRequest,
  RestoreWorkspaceRequest,
  CreateInviteRequest,
  CreateCourseRequest,
  GetCourseSettingsRequest,
  GrantLateDaysRequest,
  UpdateCourseRequest,
  SetAssignmentDatesRequest,
  ListInvitesRequest,
  RevokeInviteRequest,
  JoinCourseRequest,
  ImportRosterRequest,
  ExportRosterRequest,
  WithdrawStudentRequest,
  CreateRegradeRequestRequest,
  ListRegradeRequestsRequest,
  AnswerRegradeRequestRequest,
  RaiseHandRequest,
  LowerHandRequest,
  ListHelpQueueRequest,
  TakeHelpRequest,
  FollowHelpRequest,
  EndHelpRequest,
  GetRubricRequest,
  SetRubricRequest,
  GetSubmissionRubricRequest,
  ApplyRubricRequest,
  RunSimilarityRequest,
  SimilarityStatusRequest,
  ListSimilarityPairsRequest,
  GetSimilarityFragmentsRequest,
} from '@classpod/protocol';
import { DEMO_COURSE_DIR, startTestHub, type TestHub } from '../support/test-hub';
import { HttpRefusal, TestClient } from '../support/test-client';
import { folderAsUpload, HUB_API_PREFIXES } from '../support/hub-api-methods';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';

const ACTORS = ['prof', 'tara', 'alice', 'bob', 'olga', 'dave'] as const;
type Actor = (typeof ACTORS)[number];

interface Row {
  name: string;
  type: AnyRequestType;
  params: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Who succeeds; everyone else gets Forbidden (or the code in `refusedWith`). */
  allowed: Actor[];
  refusedWith?: Partial<Record<Actor, string>>;
}

describe('authorization: every method × role × owner', function () {
  this.timeout(120_000);
  let t: TestHub;
  const clients = {} as Record<Actor, TestClient>;
  let aliceSubmission = '';
  let aliceVersion = '';
  let prewarmSession = '';
  let inviteId = '';
  let cs202Code = '';
  let newCourses = 0;
  let alicePrimes = '';
  let bobRegradeRequest = '';
  let similarityRun = '';
  let similarityPair = '';

  before(async () => {
    t = await startTestHub();
    for (const a of ACTORS) clients[a] = await t.connect(a);
    for (const s of ['alice', 'bob']) await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
    aliceSubmission = (await clients.alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    await t.hub.versionWatcher.flush({ courseId: 'cs101', studentId: 'alice' });
    inviteId = (await clients.prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: new Date(Date.now() + 86_400_000).toISOString() })).invite.id;
    cs202Code = (await clients.olga.request(CreateInviteRequest.type, { courseId: 'cs202', expiresAt: new Date(Date.now() + 86_400_000).toISOString() })).code;
    aliceVersion = (await t.hub.versions.latest({ courseId: 'cs101', studentId: 'alice', assignmentId: 'c-sum' }))!.id;
    // A finished similarity check with one pair (Alice's file on both sides), as the store keeps one.
    const aliceFile = (await t.hub.blobs.manifest((await t.hub.store.submissions.get(aliceSubmission))!.snapshotHash)).find((e) => e.path === 'sum.c')!;
    similarityRun = (await t.hub.store.similarity.create({ courseId: 'cs101', assignmentId: 'c-sum', earlierCourseIds: [], requestedBy: 'prof' })).id;
    similarityPair = 'p_matrix';
    const side = { submissionId: aliceSubmission, studentId: 'alice', courseId: 'cs101', path: 'sum.c', earlier: false };
    const region = { startRow: 0, startCol: 0, endRow: 1, endCol: 0 };
    await t.hub.store.similarity.finish(similarityRun, {
      state: 'done', submissionCount: 2, fileCount: 2, skipped: [], skippedCount: 0,
      pairs: [{ pair: { id: similarityPair, rank: 1, left: side, right: side, similarity: 1, longestFragment: 1, overlap: 1, fragmentCount: 1 }, leftSha256: aliceFile.sha256, rightSha256: aliceFile.sha256, fragments: [{ left: region, right: region }] }],
    });
    // A group assignment, and a group of Alice alone (the gateway's rows below).
    const cSum = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
    await t.hub.store.assignments.upsert({ ...cSum, id: 'team-sum', title: 'Team sum', groupMaxSize: 2 });
    await clients.prof.request(SaveGroupRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', groupId: 'pair', members: ['alice'] });
    prewarmSession = (await clients.prof.request(SchedulePrewarmRequest.type, { courseId: 'cs101', startsAt: new Date(Date.now() + 40 * 86_400_000).toISOString() })).session.sessionId;
    // Regrade requests are about graded submissions: Alice's and Bob's py-primes, graded by a worker.
    alicePrimes = (await clients.alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'py-primes' })).submission.id;
    const bobPrimes = (await clients.bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'py-primes' })).submission.id;
    const worker = await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!);
    try {
      for (let job = await worker.lease(5_000); job; job = await worker.lease(300)) await worker.report(job, await gradeJob(job));
    } finally {
      worker.close();
    }
    bobRegradeRequest = (await clients.bob.request(CreateRegradeRequestRequest.type, { submissionId: bobPrimes, message: 'please look again' })).request.id;
  });

  after(async () => {
    await t?.close();
  });

  const sub = (): Record<string, unknown> => ({ submissionId: aliceSubmission });
  /** The hand a student of cs101 raised (by the help/raise row), found while it is open and kept after. */
  const hands = new Map<string, string>();
  const handOf = async (studentId: string): Promise<Record<string, unknown>> => {
    if (!hands.has(studentId)) {
      const open = (await clients.prof.request(ListHelpQueueRequest.type, { courseId: 'cs101' })).requests.find((r) => r.studentId === studentId);
      assert.ok(open, `${studentId} has a hand raised`);
      hands.set(studentId, open.id);
    }
    return { requestId: hands.get(studentId) };
  };
  const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const rows: Row[] = [
    { name: 'whoami', type: WhoAmIRequest.type, params: () => ({}), allowed: [...ACTORS] },
    { name: 'courses/list', type: ListCoursesRequest.type, params: () => ({}), allowed: [...ACTORS] },
    { name: 'courses/people', type: ListCoursePeopleRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara'] },
    { name: 'assignments/list', type: ListAssignmentsRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    { name: "assignments/list of alice's", type: ListAssignmentsRequest.type, params: () => ({ courseId: 'cs101', studentId: 'alice' }), allowed: ['prof', 'tara', 'alice'] },
    { name: 'assignments/get', type: GetAssignmentRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    { name: "assignments/get for alice", type: GetAssignmentRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' }), allowed: ['prof', 'tara', 'alice'] },
    { name: 'assignments/fetchStarter', type: FetchStarterRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    {
      name: 'assignments/upsert (dry run)',
      type: UpsertAssignmentRequest.type,
      params: () => ({ courseId: 'cs101', assignmentId: 'c-sum', dryRun: true, files: folderAsUpload(join(DEMO_COURSE_DIR, 'assignments/c-sum')) }),
      allowed: ['prof'],
    },
    { name: 'deadlines/extend', type: ExtendDeadlineRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'py-primes', studentId: 'alice', dueAt: future }), allowed: ['prof'] },
    { name: 'submissions/submit', type: SubmitRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }), allowed: ['alice', 'bob'] },
    { name: 'submissions/list', type: ListSubmissionsRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    { name: "submissions/list of alice's", type: ListSubmissionsRequest.type, params: () => ({ courseId: 'cs101', studentId: 'alice' }), allowed: ['prof', 'tara', 'alice'] },
    { name: 'submissions/get', type: GetSubmissionRequest.type, params: sub, allowed: ['prof', 'tara', 'alice'] },
    { name: 'submissions/files', type: ListSubmissionFilesRequest.type, params: sub, allowed: ['prof', 'tara', 'alice'] },
    { name: 'submissions/readFile', type: ReadSubmissionFileRequest.type, params: () => ({ ...sub(), path: 'sum.c' }), allowed: ['prof', 'tara', 'alice'] },
    { name: 'results/get', type: GetResultRequest.type, params: sub, allowed: ['prof', 'tara', 'alice'] },
    { name: 'submissions/regrade', type: RegradeRequest.type, params: () => ({ courseId: 'cs101', ...sub() }), allowed: ['prof', 'tara'] },
    { name: 'scores/override', type: OverrideScoreRequest.type, params: () => ({ ...sub(), score: 50, comment: 'checked by hand' }), allowed: ['prof', 'tara'] },
    {
      // c-sum has no attempt limit: staff pass authorization and are told there is nothing to grant.
      name: 'submissions/grantAttempts',
      type: GrantAttemptsRequest.type,
      params: () => ({ courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', extra: 1 }),
      allowed: [],
      refusedWith: { prof: 'InvalidParams', tara: 'InvalidParams' },
    },
    { name: 'grades/export', type: ExportGradesRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara'] },
    { name: 'grades/book', type: GetGradebookRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara'] },
    { name: 'feedback/add', type: AddFeedbackRequest.type, params: () => ({ ...sub(), path: 'sum.c', line: 1, body: 'checked by hand' }), allowed: ['prof', 'tara'] },
    { name: "feedback/list of alice's", type: ListFeedbackRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' }), allowed: ['prof', 'tara', 'alice'] },
    {
      name: 'feedback/list',
      type: ListFeedbackRequest.type,
      params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }),
      allowed: ['alice', 'bob'],
      refusedWith: { prof: 'InvalidParams', tara: 'InvalidParams' },
    },
    { name: 'help/raise', type: RaiseHandRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum', message: 'stuck' }), allowed: ['alice', 'bob'] },
    { name: 'help/queue', type: ListHelpQueueRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    // Taken by the first allowed (prof); then it is someone else's.
    { name: "help/take of alice's", type: TakeHelpRequest.type, params: () => handOf('alice'), allowed: ['prof'], refusedWith: { tara: 'Conflict' } },
    { name: "help/follow of alice's", type: FollowHelpRequest.type, params: () => handOf('alice'), allowed: ['prof'], refusedWith: { tara: 'Conflict' } },
    { name: "help/lower of bob's", type: LowerHandRequest.type, params: () => handOf('bob'), allowed: ['bob'] },
    // Ended by the first allowed (prof); then it is over, for its student too.
    { name: "help/end of alice's", type: EndHelpRequest.type, params: () => handOf('alice'), allowed: ['prof'], refusedWith: { tara: 'Conflict', alice: 'Conflict' } },
    { name: 'rubrics/get', type: GetRubricRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }), allowed: ['prof', 'tara'] },
    {
      name: 'rubrics/set',
      type: SetRubricRequest.type,
      params: () => ({ courseId: 'cs101', assignmentId: 'c-sum', items: [{ id: 'style', points: 5, description: 'Clear names and consistent indentation' }] }),
      allowed: ['prof'],
    },
    { name: "rubrics/submission of alice's", type: GetSubmissionRubricRequest.type, params: () => sub(), allowed: ['prof', 'tara', 'alice'] },
    { name: 'rubrics/apply', type: ApplyRubricRequest.type, params: () => ({ ...sub(), apply: ['style'] }), allowed: ['prof', 'tara'] },
    { name: 'workspaces/list', type: ListWorkspacesRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    { name: 'workspaces/start', type: StartWorkspaceRequest.type, params: () => ({ courseId: 'cs101', studentId: 'alice' }), allowed: ['prof', 'tara', 'alice'] },
    { name: 'workspaces/openTerminal', type: OpenWorkspaceTerminalRequest.type, params: () => ({ courseId: 'cs101', studentId: 'alice' }), allowed: ['prof', 'tara'] },
    { name: 'workspaces/stop', type: StopWorkspaceRequest.type, params: () => ({ courseId: 'cs101', studentId: 'alice' }), allowed: ['prof', 'tara'] },
    { name: 'workspaces/schedulePrewarm', type: SchedulePrewarmRequest.type, params: () => ({ courseId: 'cs101', startsAt: future, leadMinutes: 10 }), allowed: ['prof'] },
    { name: 'workspaces/listPrewarm', type: ListPrewarmRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara'] },
    { name: 'workspaces/cancelPrewarm', type: CancelPrewarmRequest.type, params: () => ({ sessionId: prewarmSession }), allowed: ['prof'] },
    { name: 'cluster/nodes', type: ListClusterNodesRequest.type, params: () => ({}), allowed: ['prof', 'tara', 'olga'] },
    { name: 'audit/list', type: ListAuditRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof'] },
    {
      name: 'versions/list',
      type: ListVersionsRequest.type,
      params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }),
      allowed: ['alice', 'bob'],
      refusedWith: { prof: 'InvalidParams', tara: 'InvalidParams' },
    },
    { name: "versions/list of alice's", type: ListVersionsRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' }), allowed: ['prof', 'tara', 'alice'] },
    { name: 'versions/files', type: ListVersionFilesRequest.type, params: () => ({ versionId: aliceVersion }), allowed: ['prof', 'tara', 'alice'] },
    { name: 'versions/readFile', type: ReadVersionFileRequest.type, params: () => ({ versionId: aliceVersion, path: 'sum.c' }), allowed: ['prof', 'tara', 'alice'] },
    { name: "versions/restoreWorkspace of alice's", type: RestoreWorkspaceRequest.type, params: () => ({ courseId: 'cs101', studentId: 'alice' }), allowed: ['prof', 'alice'] },
    { name: 'rosters/import (preview)', type: ImportRosterRequest.type, params: () => ({ courseId: 'cs101', csv: 'id,name,role\nprof,Prof. Ada,professor\ntara,Tara,professor' }), allowed: ['prof'] },
    { name: 'rosters/export', type: ExportRosterRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof'] },
    { name: 'rosters/withdraw', type: WithdrawStudentRequest.type, params: () => ({ courseId: 'cs101', studentId: 'carol' }), allowed: ['prof'] },
    { name: 'courses/create', type: CreateCourseRequest.type, params: () => ({ courseId: `new-${++newCourses}`, title: 'New' }), allowed: ['prof', 'olga'] },
    { name: 'courses/settings', type: GetCourseSettingsRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof'] },
    { name: 'courses/update', type: UpdateCourseRequest.type, params: () => ({ courseId: 'cs101', title: 'Introduction to Programming (demo)' }), allowed: ['prof'] },
    { name: 'assignments/setDates (no change)', type: SetAssignmentDatesRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'py-primes' }), allowed: ['prof'] },
    { name: 'lateDays/grant', type: GrantLateDaysRequest.type, params: () => ({ courseId: 'cs101', studentId: 'alice', days: 1 }), allowed: ['prof'] },
    { name: 'invites/create', type: CreateInviteRequest.type, params: () => ({ courseId: 'cs101', expiresAt: future }), allowed: ['prof'] },
    { name: 'invites/list', type: ListInvitesRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof'] },
    { name: 'invites/revoke', type: RevokeInviteRequest.type, params: () => ({ courseId: 'cs101', inviteId }), allowed: ['prof'] },
    // Similarity checks are the professor's: assistants and students are refused, and so is another course's professor.
    { name: 'similarity/status', type: SimilarityStatusRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }), allowed: ['prof'] },
    { name: 'similarity/pairs', type: ListSimilarityPairsRequest.type, params: () => ({ runId: similarityRun }), allowed: ['prof'] },
    { name: 'similarity/fragments', type: GetSimilarityFragmentsRequest.type, params: () => ({ runId: similarityRun, pairId: similarityPair }), allowed: ['prof'] },
    { name: 'similarity/run', type: RunSimilarityRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'c-sum' }), allowed: ['prof'] },
    { name: 'groups/list', type: ListGroupsRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    { name: 'groups/save', type: SaveGroupRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'team-sum', groupId: 'm-team', members: ['bob'] }), allowed: ['prof', 'tara'] },
    { name: 'groups/remove', type: RemoveGroupRequest.type, params: () => ({ courseId: 'cs101', assignmentId: 'team-sum', groupId: 'gone' }), allowed: ['prof', 'tara'] },
    { name: 'versions/restore', type: RestoreVersionRequest.type, params: () => ({ versionId: aliceVersion, paths: ['sum.c'] }), allowed: ['alice'] },
    { name: 'regradeRequests/create', type: CreateRegradeRequestRequest.type, params: () => ({ submissionId: alicePrimes, message: 'please look again' }), allowed: ['alice'] },
    { name: 'regradeRequests/list', type: ListRegradeRequestsRequest.type, params: () => ({ courseId: 'cs101' }), allowed: ['prof', 'tara', 'alice', 'bob'] },
    {
      name: "regradeRequests/answer of Bob's",
      type: AnswerRegradeRequestRequest.type,
      params: () => ({ requestId: bobRegradeRequest, message: 'looked again' }),
      allowed: ['prof'],
      // Tara may answer too (she passes authorization), but prof answered it first.
      refusedWith: { tara: 'Conflict' },
    },
    // Last: it enrols everyone who joins in cs202.
    { name: 'invites/join (cs202)', type: JoinCourseRequest.type, params: () => ({ code: cs202Code }), allowed: [...ACTORS] },
  ];

  for (const row of rows) {
    for (const actor of ACTORS) {
      const allowed = row.allowed.includes(actor);
      it(`${row.name}: ${actor} is ${allowed ? 'allowed' : 'refused'}`, async () => {
        const call = clients[actor].endpoint.request(row.type, await row.params());
        if (allowed) {
          await call;
        } else {
          await assert.rejects(call, (err: unknown) => {
            assert.ok(err instanceof ProtocolError, String(err));
            assert.equal(errorCodeName(err.code), row.refusedWith?.[actor] ?? 'Forbidden', err.message);
            return true;
          });
        }
      });
    }
  }

  it('covers every method of the hub API', () => {
    const covered = new Set(rows.map((r) => r.type.method));
    const hubMethods = [...methodCatalogue().values()].filter((m) => m.kind === 'request' && HUB_API_PREFIXES.some((p) => m.method.startsWith(p)));
    assert.ok(hubMethods.length >= 23);
    for (const m of hubMethods) assert.ok(covered.has(m.method), `${m.method} has no row`);
  });

  // Every other request of the protocol belongs to a workspace's agent (files, terminals, sync, tests…) or
  // to the grader's lease (grading/…): the API connection serves none of them to anyone, whatever their
  // role; who reaches an agent is decided once, at the gateway (below).
  describe('methods the API connection does not serve', () => {
    const others = [...methodCatalogue().values()].filter(
      (m): m is AnyRequestType => m.kind === 'request' && m.method !== 'session/hello' && m.method !== 'session/ping' && !HUB_API_PREFIXES.some((p) => m.method.startsWith(p)),
    );
    it('are there to check', () => assert.ok(others.length >= 10, others.map((m) => m.method).join(', ')));
    for (const m of others) {
      it(`${m.method}: refused to every role over /v1/connect`, async () => {
        for (const actor of ACTORS) {
          await assert.rejects(clients[actor].endpoint.request(m, {} as never), (err: unknown) => {
            assert.ok(err instanceof ProtocolError, String(err));
            assert.equal(errorCodeName(err.code), 'MethodNotFound', `${actor}: ${err.message}`);
            return true;
          }, actor);
        }
      });
    }
  });

  it('shows a student only their own submissions', async () => {
    const bobs = await clients.bob.request(ListSubmissionsRequest.type, { courseId: 'cs101' });
    assert.ok(bobs.submissions.length > 0);
    assert.ok(bobs.submissions.every((s) => s.studentId === 'bob'));
  });

  it('records privileged actions in the audit log', async () => {
    const log = await clients.prof.request(ListAuditRequest.type, { courseId: 'cs101' });
    const actions = new Set(log.entries.map((e) => `${e.actorId} ${e.action}`));
    for (const a of ['prof score.override', 'tara score.override', 'prof submission.regrade', 'prof workspace.terminal', 'tara workspace.stop', 'prof deadline.extend', 'prof grades.export']) {
      assert.ok(actions.has(a), `${a} in ${[...actions].join(', ')}`);
    }
  });

  describe('token scopes: each opens exactly its endpoints', () => {
    type Outcome = number | 'open';
    const endpoints = ['/v1/connect', '/v1/workspaces/cs101--alice/connect', '/v1/grader', '/v1/courses/cs101/grades.csv'] as const;
    // prof's tokens of each scope, and the grading workers' service token.
    const cases: Array<[string, () => Promise<string>, Outcome[]]> = [
      ['hub', async () => t.tokens.prof!, ['open', 'open', 403, 200]],
      ['admin', async () => (await t.hub.tokens.issue({ personId: 'prof', scopes: ['admin'] })).token, ['open', 'open', 403, 200]],
      ['grader (service)', async () => t.tokens.grader!, [403, 403, 'open', 403]],
      ['grader (a person)', async () => (await t.hub.tokens.issue({ personId: 'prof', scopes: ['grader'] })).token, [403, 403, 'open', 403]],
      ['none', async () => (await t.hub.tokens.issue({ personId: 'prof', scopes: [] })).token, [403, 403, 403, 403]],
    ];
    const attempt = async (token: string, path: string): Promise<Outcome> => {
      if (path.endsWith('.csv')) return (await fetch(t.hub.url + path, { headers: { authorization: `Bearer ${token}` } })).status;
      try {
        (await TestClient.connect(t.hub.url, token, path)).close();
        return 'open';
      } catch (err) {
        if (err instanceof HttpRefusal) return err.status;
        throw err;
      }
    };
    for (const [scope, token, expected] of cases) {
      it(`a token of scope ${scope} opens ${endpoints.filter((_e, i) => expected[i] === 'open' || expected[i] === 200).join(', ') || 'nothing'}`, async () => {
        const secret = await token();
        const got: Outcome[] = [];
        for (const path of endpoints) got.push(await attempt(secret, path));
        assert.deepEqual(got, expected, endpoints.join(' '));
      });
    }
  });

  describe('HTTP routes × role', () => {
    // Each actor's own fresh token, so a sign-out revokes nothing another row needs.
    const routes: Array<{ name: string; method: 'GET' | 'POST'; path: string; expected: Record<Actor | 'nobody', number> }> = [
      { name: 'grades.csv of cs101', method: 'GET', path: '/v1/courses/cs101/grades.csv', expected: { prof: 200, tara: 200, alice: 403, bob: 403, olga: 403, dave: 403, nobody: 401 } },
      { name: 'sign-out', method: 'POST', path: '/v1/auth/signout', expected: { prof: 200, tara: 200, alice: 200, bob: 200, olga: 200, dave: 200, nobody: 401 } },
      { name: 'sign-in methods (public: a client asks before anyone signs in)', method: 'GET', path: '/v1/auth/methods', expected: { prof: 200, tara: 200, alice: 200, bob: 200, olga: 200, dave: 200, nobody: 200 } },
      { name: 'OpenID sign-in (not configured here)', method: 'GET', path: '/v1/auth/oidc/start', expected: { prof: 404, tara: 404, alice: 404, bob: 404, olga: 404, dave: 404, nobody: 404 } },
      { name: 'OpenID callback (not configured here)', method: 'GET', path: '/v1/auth/oidc/callback?state=x&code=y', expected: { prof: 404, tara: 404, alice: 404, bob: 404, olga: 404, dave: 404, nobody: 404 } },
      { name: 'an invite link\'s page', method: 'GET', path: '/v1/join/AAAAA-BBBBB-CCCCC', expected: { prof: 200, tara: 200, alice: 200, bob: 200, olga: 200, dave: 200, nobody: 200 } },
      { name: 'health', method: 'GET', path: '/healthz', expected: { prof: 200, tara: 200, alice: 200, bob: 200, olga: 200, dave: 200, nobody: 200 } },
    ];
    for (const route of routes) {
      for (const actor of [...ACTORS, 'nobody'] as const) {
        it(`${route.name}: ${actor} gets ${route.expected[actor]}`, async () => {
          const token = actor === 'nobody' ? undefined : (await t.hub.tokens.issue({ personId: actor, scopes: ['hub'] })).token;
          const res = await fetch(t.hub.url + route.path, { method: route.method, redirect: 'manual', headers: token ? { authorization: `Bearer ${token}` } : {} });
          assert.equal(res.status, route.expected[actor], await res.text());
        });
      }
    }
    it("a sign-out revokes the caller's own token and no other", async () => {
      const mine = await t.hub.tokens.issue({ personId: 'tara', scopes: ['hub'] });
      const res = await fetch(`${t.hub.url}/v1/auth/signout`, { method: 'POST', headers: { authorization: `Bearer ${mine.token}` } });
      assert.deepEqual(await res.json(), { revoked: mine.record.id });
      await assert.rejects(TestClient.connect(t.hub.url, mine.token), (err: unknown) => err instanceof HttpRefusal && err.status === 401);
      (await TestClient.connect(t.hub.url, t.tokens.tara)).close();
    });
  });

  describe('the gateway', () => {
    const gatewayCases: Array<[Actor | 'nobody', number | 'open']> = [
      ['alice', 'open'],
      ['prof', 'open'],
      ['tara', 'open'],
      ['bob', 403],
      ['olga', 403],
      ['dave', 403],
      ['nobody', 401],
    ];
    for (const [actor, expected] of gatewayCases) {
      it(`lets ${actor} ${expected === 'open' ? 'into' : 'not into'} alice's workspace`, async () => {
        const token = actor === 'nobody' ? 'cp_' + 'x'.repeat(43) : t.tokens[actor];
        try {
          const c = await TestClient.connect(t.hub.url, token, '/v1/workspaces/cs101--alice/connect');
          c.close();
          assert.equal(expected, 'open');
        } catch (err) {
          if (!(err instanceof HttpRefusal)) throw err;
          assert.equal(err.status, expected);
        }
      });
    }
    // A group's workspace: its members and the course's staff, no one else.
    for (const [actor, expected] of gatewayCases) {
      it(`lets ${actor} ${expected === 'open' ? 'into' : 'not into'} the workspace of alice's group`, async () => {
        const token = actor === 'nobody' ? 'cp_' + 'x'.repeat(43) : t.tokens[actor];
        try {
          const c = await TestClient.connect(t.hub.url, token, '/v1/workspaces/cs101--team-sum--pair/connect');
          c.close();
          assert.equal(expected, 'open');
        } catch (err) {
          if (!(err instanceof HttpRefusal)) throw err;
          assert.equal(err.status, expected);
        }
      });
    }
  });
});
