// Seeds the professor run's class through the hub's own API, as students
// would: each student's workspace starts, a file is written into their
// assignment folder through the gateway, and they submit. Ada submits the
// starter file and then the reference solution; Grace submits the starter.
// The seed returns once the hub has recorded the version holding Ada's last
// file, so the professor's Versions row never opens before it exists.
// `seedLateSubmission` makes one late submission that late days cover: the
// professor moves py-primes' due time an hour into the past (no cut-off), and
// Grace hands in its starter, spending one of the course's late days.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteRequest, ListVersionFilesRequest, ListVersionsRequest, RaiseHandRequest, RpcEndpoint, SetAssignmentDatesRequest, StartWorkspaceRequest, SubmitRequest } from '@classpod/protocol';
import WebSocket from 'ws';

async function connect(hubUrl, path, token) {
  const ws = new WebSocket(hubUrl.replace(/^http/, 'ws') + path, { headers: { authorization: `Bearer ${token}` } });
  await once(ws, 'open');
  const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 120_000 });
  await endpoint.hello({ capabilities: ['files'], client: { name: 'classpod-e2e-seed', version: '0' } });
  return endpoint;
}

/** Write `c-sum/sum.c` (or `file` of `assignmentId`) in the student's workspace and submit it, once per content. */
async function submitVersions(hubUrl, studentId, token, contents, { assignmentId = 'c-sum', file = 'sum.c', waitForVersion = true } = {}) {
  const hub = await connect(hubUrl, '/v1/connect', token);
  try {
    const { workspace } = await hub.request(StartWorkspaceRequest.type, { courseId: 'cs101', studentId });
    const agent = await connect(hubUrl, workspace.connectPath, token);
    try {
      const ids = [];
      for (const content of contents) {
        await agent.request(FileWriteRequest.type, { path: `${assignmentId}/${file}`, contentBase64: Buffer.from(content).toString('base64'), createParents: true });
        const { submission } = await hub.request(SubmitRequest.type, { courseId: 'cs101', assignmentId });
        ids.push(submission.id);
        await new Promise((r) => setTimeout(r, 20)); // distinct submission times
      }
      if (waitForVersion) await versionRecorded(hub, studentId, contents.at(-1));
      return ids;
    } finally {
      agent.close();
    }
  } finally {
    hub.close();
  }
}

/** Wait (polling, up to 2 min) until the hub's newest version of the student's c-sum folder holds `content` as sum.c. */
async function versionRecorded(hub, studentId, content) {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { versions } = await hub.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId, limit: 1 });
    if (versions[0]) {
      const { files } = await hub.request(ListVersionFilesRequest.type, { versionId: versions[0].id });
      if (files.some((f) => f.path.endsWith('sum.c') && f.sha256 === sha256)) return;
    }
    if (Date.now() > deadline) throw new Error(`the hub recorded no version of ${studentId}'s sum.c as last written within 2 min`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Submissions for the demo course; resolves with their ids by student. */
export async function seedSubmissions({ repo, hubUrl, tokens }) {
  const dir = join(repo, 'examples', 'demo-course', 'assignments', 'c-sum');
  const starter = readFileSync(join(dir, 'starter', 'sum.c'), 'utf8');
  const solution = readFileSync(join(dir, 'solution', 'sum.c'), 'utf8');
  const seeded = {
    ada: await submitVersions(hubUrl, 'ada', tokens.ada, [starter, solution]),
    grace: await submitVersions(hubUrl, 'grace', tokens.grace, [starter]),
  };
  await raiseHand(hubUrl, tokens.ada);
  return seeded;
}

/** Ada raises her hand from her editor, a failing test attached as her Testing view shows it. */
async function raiseHand(hubUrl, token) {
  const hub = await connect(hubUrl, '/v1/connect', token);
  try {
    await hub.request(RaiseHandRequest.type, {
      courseId: 'cs101',
      assignmentId: 'c-sum',
      message: 'Why does the mean come out wrong?',
      failingTest: { name: 'examples/negative', message: 'Wrong answer: line 2: expected -2.5, got -2\n--- expected\n-5\n-2.5\n--- actual\n-5\n-2' },
    });
  } finally {
    hub.close();
  }
}

/** Grace hands in py-primes an hour after its (moved) due time: one late day spent, no penalty. Resolves with the submission. */
export async function seedLateSubmission({ hubUrl, tokens, professor = 'turing' }) {
  const prof = await connect(hubUrl, '/v1/connect', tokens[professor]);
  try {
    await prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'py-primes', dueAt: new Date(Date.now() - 3_600_000).toISOString(), cutoffAt: null });
  } finally {
    prof.close();
  }
  const hub = await connect(hubUrl, '/v1/connect', tokens.grace);
  try {
    const { workspace } = await hub.request(StartWorkspaceRequest.type, { courseId: 'cs101', studentId: 'grace' });
    const agent = await connect(hubUrl, workspace.connectPath, tokens.grace);
    try {
      await agent.request(FileWriteRequest.type, { path: 'py-primes/primes.py', contentBase64: Buffer.from('# late, with a late day\n').toString('base64'), createParents: true });
    } finally {
      agent.close();
    }
    const { submission } = await hub.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'py-primes' });
    if (!submission.late || submission.lateDaysUsed !== 1 || submission.penaltyPercent !== 0) throw new Error(`Grace's late py-primes spent no late day: ${JSON.stringify(submission)}`);
    return submission;
  } finally {
    hub.close();
  }
}

/**
 * For the similarity check (drive-similarity.mjs), once the gradebook has been
 * looked at: Grace hands in the reference solution of py-primes, and Ada the
 * same program with every name changed.
 */
export async function seedCopiedSubmissions({ repo, hubUrl, tokens }) {
  const solution = readFileSync(join(repo, 'examples', 'demo-course', 'assignments', 'py-primes', 'solution', 'primes.py'), 'utf8');
  const copy = solution
    .replace(/\bsieve\b/g, 'marks')
    .replace(/\bcount\b/g, 'how_many')
    .replace(/\btotal\b/g, 'acc')
    .replace(/\bmain\b/g, 'run')
    .replace(/Reference solution/, 'My solution');
  const options = { assignmentId: 'py-primes', file: 'primes.py', waitForVersion: false };
  return {
    grace: await submitVersions(hubUrl, 'grace', tokens.grace, [solution], options),
    ada: await submitVersions(hubUrl, 'ada', tokens.ada, [copy], options),
  };
}
