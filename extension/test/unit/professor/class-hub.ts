// Test fixture: a course server stand-in on 127.0.0.1 with a class of any
// size, speaking the real protocol over a real WebSocket. It answers the
// methods the professor side uses from in-memory data, counts every request by
// method (to show what loads lazily), refuses tokens it does not know and
// refuses people outside a course like the hub does, and pushes events.

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  errors,
  ExportGradesRequest,
  FetchStarterRequest,
  GetResultRequest,
  ListAssignmentsRequest,
  ListClusterNodesRequest,
  ListCoursePeopleRequest,
  ListCoursesRequest,
  ListVersionFilesRequest,
  ListVersionsRequest,
  ReadVersionFileRequest,
  ListSubmissionFilesRequest,
  ListSubmissionsRequest,
  ListWorkspacesRequest,
  OverrideScoreRequest,
  ReadSubmissionFileRequest,
  RegradeRequest,
  RpcEndpoint,
  WhoAmIRequest,
  ListRegradeRequestsRequest,
  AnswerRegradeRequestRequest,
  type RegradeRequestInfo,
  type AssignmentSummary,
  type GradingResult,
  type NotificationType,
  type Static,
  type SubmissionSummary,
  type TSchema,
  type VersionSummary,
  type WorkspaceInfo,
} from '@classpod/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { createHash } from 'node:crypto';
import { openEndpoint } from '../../../src/connection/open-endpoint';
import { silentLogger } from '@classpod/observability';

export interface ClassHubOptions {
  students: number;
  /** Students (by index) who submitted hello-c, with the submission's details. */
  submitted?: (index: number) => { late?: boolean; score?: number; status?: SubmissionSummary['status'] } | undefined;
}

export interface ClassHub {
  url: string;
  /** Requests answered, by method. */
  calls: Map<string, number>;
  workspaces: WorkspaceInfo[];
  submissions: SubmissionSummary[];
  /** Regrade requests of the class, open and answered. */
  regradeRequests: RegradeRequestInfo[];
  endpoints: RpcEndpoint[];
  /** Push a notification to every connection. */
  push<P extends TSchema>(type: NotificationType<P>, params: Static<P>): void;
  dropAll(): void;
  open(token?: string): ReturnType<typeof openEndpoint>;
  close(): Promise<void>;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

export function studentId(i: number): string {
  return `s${String(i).padStart(3, '0')}`;
}

export async function startClassHub(options: ClassHubOptions): Promise<ClassHub> {
  const now = Date.parse('2026-11-24T12:00:00.000Z');
  const people = Array.from({ length: options.students }, (_, i) => ({
    personId: studentId(i),
    name: i === 7 ? 'Alice Martin' : i === 42 ? 'Alicia Keys' : `Student ${studentId(i)}`,
    role: 'student' as const,
  }));
  const assignment: AssignmentSummary = {
    id: 'hello-c',
    courseId: 'cs101',
    title: 'Hello, C',
    dueAt: new Date(now - 3_600_000).toISOString(),
    extended: false,
    latePolicy: { penaltyPercentPerDay: 10 },
    state: 'not started',
    maxScore: 10,
  };
  const submissions: SubmissionSummary[] = [];
  people.forEach((p, i) => {
    const s = options.submitted?.(i);
    if (!s) return;
    submissions.push({
      id: `sub-${p.personId}-1`,
      courseId: 'cs101',
      assignmentId: 'hello-c',
      studentId: p.personId,
      snapshotHash: sha(p.personId),
      submittedAt: new Date(now - 7_200_000 + i * 1000).toISOString(),
      source: 'submitted',
      late: s.late ?? false,
      penaltyPercent: s.late ? 10 : 0,
      status: s.status ?? 'graded',
      ...(s.status === undefined || s.status === 'graded' ? { score: s.score ?? 10, maxScore: 10 } : {}),
      fileCount: 2,
      totalBytes: 60,
    });
  });
  const workspaces: WorkspaceInfo[] = people.map((p, i) => ({
    workspaceId: `cs101--${p.personId}`,
    courseId: 'cs101',
    studentId: p.personId,
    studentName: p.name,
    state: i % 3 === 0 ? 'running' : 'stopped',
    ...(i % 3 === 0 ? { node: 'node-a', startedAt: new Date(now - 600_000).toISOString(), cpuMillicores: 120, memoryBytes: 64 * 1024 * 1024 } : {}),
    connectPath: `/v1/workspaces/cs101--${p.personId}/connect`,
  }));
  // Student 8's versions of hello-c, newest first: main.c changed, then README.md added, then the starter.
  const versionOf = (id: string, minutesAgo: number, files: Record<string, string>): { summary: VersionSummary; files: Record<string, string> } => ({
    summary: {
      id,
      courseId: 'cs101',
      assignmentId: 'hello-c',
      studentId: studentId(8),
      recordedAt: new Date(now - minutesAgo * 60_000).toISOString(),
      manifestHash: sha(JSON.stringify(files)),
      fileCount: Object.keys(files).length,
      totalBytes: Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0),
    },
    files,
  });
  const versions = [
    versionOf('v_3', 5, { 'main.c': 'int main(void) { return 1; }\n', 'README.md': '# mine\n' }),
    versionOf('v_2', 30, { 'main.c': 'int main(void) { /* TODO */ }\n', 'README.md': '# mine\n' }),
    versionOf('v_1', 90, { 'main.c': 'int main(void) { /* TODO */ }\n', 'notes.txt': 'scratch\n' }),
  ];
  const files = (s: SubmissionSummary): Record<string, string> => ({
    'main.c': `int main(void) { return 0; } /* ${s.studentId} */\n`,
    'README.md': `# ${s.studentId}\n`,
  });
  const result = (s: SubmissionSummary): GradingResult => ({
    submissionId: s.id,
    status: s.status,
    penaltyPercent: s.penaltyPercent,
    counts: true,
    hiddenTests: 1,
    tests: [
      { name: 'prints hello', group: 'basics', public: true, verdict: 'AC', score: 5, maxScore: 5, timeMs: 3 },
      { name: 'edge cases', group: 'more', public: false, hiddenIndex: 1, verdict: s.score === 10 ? 'AC' : 'WA', score: s.score === 10 ? 5 : 0, maxScore: 5 },
    ],
    ...(s.score !== undefined ? { score: s.score, maxScore: 10 } : {}),
  });

  const tokens = new Map([
    ['prof-token', { personId: 'prof', courses: [{ courseId: 'cs101', role: 'professor' as const }] }],
    ['other-prof-token', { personId: 'other', courses: [{ courseId: 'cs202', role: 'professor' as const }] }],
  ]);
  const calls = new Map<string, number>();
  const regradeRequests: RegradeRequestInfo[] = [];
  const endpoints: RpcEndpoint[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const who = token ? tokens.get(token) : undefined;
    if (!who || req.url !== '/v1/connect') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      const endpoint = new RpcEndpoint(ws, { role: 'server' });
      endpoints.push(endpoint);
      const count = (m: string): void => void calls.set(m, (calls.get(m) ?? 0) + 1);
      const teaches = (courseId: string): void => {
        if (!who.courses.some((c) => c.courseId === courseId)) throw errors.forbidden(`you are not a member of course ${courseId}`);
      };
      const sub = (id: string): SubmissionSummary => {
        const s = submissions.find((x) => x.id === id);
        if (!s) throw errors.notFound(`no submission ${id}`);
        teaches(s.courseId);
        return s;
      };
      endpoint.handle(WhoAmIRequest.type, () => ({ personId: who.personId, name: who.personId, admin: false, courses: who.courses, serverTime: new Date(now).toISOString(), scopes: ['hub'] }));
      endpoint.handle(ListCoursesRequest.type, () => {
        count('courses/list');
        return { courses: who.courses.map((c) => ({ id: c.courseId, title: c.courseId.toUpperCase(), role: c.role, assignments: 1, students: c.courseId === 'cs101' ? people.length : 0 })) };
      });
      endpoint.handle(ListClusterNodesRequest.type, () => {
        count('cluster/nodes');
        return { provider: 'local', nodes: [{ name: 'node-a', ready: true, cpuCapacityMillicores: 2000, memoryCapacityBytes: 4 * 1024 ** 3, workspaces: workspaces.filter((w) => w.state === 'running').length }] };
      });
      endpoint.handle(ListCoursePeopleRequest.type, (p) => {
        count('courses/people');
        teaches(p.courseId);
        return { people };
      });
      endpoint.handle(ListWorkspacesRequest.type, (p) => {
        count('workspaces/list');
        teaches(p.courseId);
        return { workspaces };
      });
      endpoint.handle(ListAssignmentsRequest.type, (p) => {
        count('assignments/list');
        teaches(p.courseId);
        return { assignments: p.courseId === 'cs101' ? [assignment] : [], serverTime: new Date(now).toISOString() };
      });
      endpoint.handle(ListSubmissionsRequest.type, (p) => {
        count('submissions/list');
        teaches(p.courseId);
        return { submissions: submissions.filter((s) => s.courseId === p.courseId && (!p.assignmentId || s.assignmentId === p.assignmentId)) };
      });
      endpoint.handle(GetResultRequest.type, (p) => {
        count('results/get');
        return { result: result(sub(p.submissionId)) };
      });
      endpoint.handle(ListSubmissionFilesRequest.type, (p) => {
        count('submissions/files');
        const s = sub(p.submissionId);
        return { files: Object.entries(files(s)).map(([path, text]) => ({ path, size: Buffer.byteLength(text), sha256: sha(text), mode: 0o644 })) };
      });
      endpoint.handle(ReadSubmissionFileRequest.type, (p) => {
        count('submissions/readFile');
        const text = files(sub(p.submissionId))[p.path];
        if (text === undefined) throw errors.notFound(`no file ${p.path}`);
        return { path: p.path, contentBase64: Buffer.from(text).toString('base64'), size: Buffer.byteLength(text), sha256: sha(text) };
      });
      endpoint.handle(FetchStarterRequest.type, (p) => {
        count('assignments/fetchStarter');
        teaches(p.courseId);
        return { files: [{ path: 'main.c', contentBase64: Buffer.from('int main(void) { /* TODO */ }\n').toString('base64'), mode: 0o644 }] };
      });
      endpoint.handle(RegradeRequest.type, (p) => {
        count('submissions/regrade');
        teaches(p.courseId);
        const ids = p.submissionId ? [sub(p.submissionId).id] : submissions.filter((s) => s.assignmentId === p.assignmentId && (!p.studentId || s.studentId === p.studentId)).map((s) => s.id);
        return { queued: ids };
      });
      endpoint.handle(OverrideScoreRequest.type, (p) => {
        count('scores/override');
        const s = sub(p.submissionId);
        if (p.score === undefined) delete s.override;
        else s.override = { score: p.score, comment: p.comment, authorId: who.personId, at: new Date(now).toISOString() };
        if (p.score !== undefined) s.score = p.score;
        return { submission: s };
      });
      endpoint.handle(ListVersionsRequest.type, (p) => {
        count('versions/list');
        teaches(p.courseId);
        const list = versions.filter((v) => v.summary.studentId === p.studentId && v.summary.assignmentId === p.assignmentId).map((v) => v.summary);
        return { versions: list.slice(0, p.limit ?? 100) };
      });
      const version = (id: string): (typeof versions)[number] => {
        const v = versions.find((x) => x.summary.id === id);
        if (!v) throw errors.notFound(`no version ${id}`);
        teaches(v.summary.courseId);
        return v;
      };
      endpoint.handle(ListVersionFilesRequest.type, (p) => {
        count('versions/files');
        const v = version(p.versionId);
        return { version: v.summary, files: Object.entries(v.files).map(([path, text]) => ({ path, size: Buffer.byteLength(text), sha256: sha(text), mode: 0o644 })) };
      });
      endpoint.handle(ReadVersionFileRequest.type, (p) => {
        count('versions/readFile');
        const text = version(p.versionId).files[p.path];
        if (text === undefined) throw errors.notFound(`version ${p.versionId} has no file ${p.path}`);
        return { path: p.path, contentBase64: Buffer.from(text).toString('base64'), size: Buffer.byteLength(text), sha256: sha(text) };
      });
      endpoint.handle(ListRegradeRequestsRequest.type, (p) => {
        count('regradeRequests/list');
        teaches(p.courseId);
        return { requests: regradeRequests.filter((r) => r.courseId === p.courseId && r.state === 'open') };
      });
      endpoint.handle(AnswerRegradeRequestRequest.type, (p) => {
        count('regradeRequests/answer');
        const r = regradeRequests.find((x) => x.id === p.requestId);
        if (!r) throw errors.notFound(`no regrade request ${p.requestId}`);
        teaches(r.courseId);
        if (r.state !== 'open') throw errors.conflict(`regrade request ${r.id} was already answered`);
        const outcome = p.action === 'override' ? 'overridden' : p.action === 'regrade' ? 'regraded' : 'closed';
        Object.assign(r, { state: 'answered', answer: { message: p.message, outcome, ...(p.score !== undefined ? { score: p.score } : {}), authorId: who.personId, at: new Date(now).toISOString() } });
        return { request: r };
      });
      endpoint.handle(ExportGradesRequest.type, (p) => {
        count('grades/export');
        teaches(p.courseId);
        return { csv: 'student,hello-c\r\n', fileName: `${p.courseId}-grades.csv` };
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    workspaces,
    submissions,
    regradeRequests,
    endpoints,
    push: (type, params) => {
      for (const e of endpoints) if (!e.isClosed) e.notify(type, params);
    },
    dropAll: () => {
      for (const s of sockets) s.terminate();
    },
    open: (token = 'prof-token') =>
      openEndpoint({ server: new URL(url), path: '/v1/connect', token, capabilities: ['events'], clientVersion: 'test', logger: silentLogger }),
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
