#!/usr/bin/env node
// `classpod`: for people who work in the workspace's terminal. Lists the
// assignments present in the workspace, shows them as a tree, prints the `cd`
// line for one, says where each stands (with the latest score, from the hub),
// runs the public tests and hands an assignment in. Everything it prints passes
// through terminal-text.ts: what comes from data cannot act on the terminal.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatResultTable } from '@classpod/grader';
import { ListSubmissionsRequest, ProtocolError, SubmitRequest, type SubmissionSummary } from '@classpod/protocol';
import { HubSession, hubCredentials } from './hub-session';
import { latestByAssignment, receiptLines, scoreText } from './submission-text';
import { runPublicTests } from '../tests/public-tests';
import { block, inline, shellQuote } from './terminal-text';
import {
  deadlineState,
  findWorkspaceRoot,
  listAssignments,
  readCourse,
  WorkspaceError,
  type AssignmentInfo,
} from '../workspace/course-workspace';

const HELP = `usage: classpod <command>

commands:
  list        the assignments in this workspace, numbered
  tree        the course, its assignments and their files
  go N        print the cd line for assignment N (or its slug); use: eval "$(classpod go N)"
  status      the course, where each assignment stands and its latest score
  test [N]    run the public tests of assignment N (default: the one you are in)
  submit [N]  hand in assignment N (default: the one you are in) and print the receipt
  help        this text

The workspace is $CLASSPOD_WORKSPACE, else the nearest folder above the current
one that holds .classpod/course.json. submit and the scores of status ask the
hub named there (or $CLASSPOD_HUB_URL) with your own token: the file that
$CLASSPOD_TOKEN_FILE names, or $CLASSPOD_TOKEN. What is handed in is the
assignment's folder in this workspace as it is now.`;

function pick(assignments: AssignmentInfo[], which: string): AssignmentInfo {
  const n = /^\d+$/.test(which) ? Number(which) : NaN;
  const found = Number.isInteger(n) ? assignments[n - 1] : assignments.find((a) => a.slug === which);
  if (!found) {
    throw new WorkspaceError(
      assignments.length === 0
        ? 'this workspace has no assignments yet'
        : `no assignment ${inline(which)}; \`classpod list\` shows 1 to ${assignments.length}`,
    );
  }
  return found;
}

/** The assignment whose folder holds `cwd`, if any. */
function assignmentAt(assignments: AssignmentInfo[], cwd: string): AssignmentInfo | undefined {
  return assignments.find((a) => cwd === a.dir || cwd.startsWith(a.dir + path.sep));
}

/** Assignment `which` (number or slug), else the one `cwd` is in; a WorkspaceError naming `command` when neither. */
function chosenAssignment(assignments: AssignmentInfo[], which: string | undefined, cwd: string, command: string): AssignmentInfo {
  if (which !== undefined) return pick(assignments, which);
  const here = assignmentAt(assignments, cwd);
  if (!here) throw new WorkspaceError(`not inside an assignment; name one: \`classpod ${command} N\``);
  return here;
}

/** The usage of a command that takes at most one assignment; exit status 2. */
function usageOfOne(io: { err: (s: string) => void }, command: string): number {
  io.err(`usage: classpod ${command} [N]   (N from \`classpod list\`; default the assignment you are in)\n`);
  return 2;
}

async function treeLines(dir: string, prefix: string, depth: number): Promise<string[]> {
  if (depth === 0) return [];
  const entries = (await fs.readdir(dir, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const shown = entries.slice(0, 30);
  const lines: string[] = [];
  for (const [i, e] of shown.entries()) {
    const last = i === shown.length - 1 && entries.length <= shown.length;
    lines.push(`${prefix}${last ? '└── ' : '├── '}${inline(e.name)}${e.isDirectory() ? '/' : ''}`);
    if (e.isDirectory()) lines.push(...(await treeLines(path.join(dir, e.name), prefix + (last ? '    ' : '│   '), depth - 1)));
  }
  if (entries.length > shown.length) lines.push(`${prefix}└── … ${entries.length - shown.length} more`);
  return lines;
}

/** The newest submission of each assignment from the hub, or why they cannot be shown (status works without the hub). */
async function latestScores(
  course: NonNullable<ReturnType<typeof readCourse>>,
  env: NodeJS.ProcessEnv,
): Promise<{ latest: Map<string, SubmissionSummary>; reason?: undefined } | { latest: undefined; reason: string }> {
  const creds = hubCredentials(env, course);
  if (!creds.ok) return { latest: undefined, reason: creds.reason };
  let hub: HubSession | undefined;
  try {
    hub = await HubSession.open(creds.hubUrl, creds.token);
    const { submissions } = await hub.request(ListSubmissionsRequest.type, { courseId: course.courseId, ...(course.studentId ? { studentId: course.studentId } : {}) });
    return { latest: latestByAssignment(submissions) };
  } catch (err) {
    if (err instanceof WorkspaceError || ProtocolError.is(err)) return { latest: undefined, reason: err.message };
    throw err;
  } finally {
    hub?.close();
  }
}

/** Run one command; returns the exit code. Output goes through `out` and `err`. */
export async function runClasspod(
  argv: string[],
  terminal: { out: (s: string) => void; err: (s: string) => void; cwd: string; env: NodeJS.ProcessEnv; now?: Date },
): Promise<number> {
  // Nothing reaches the terminal raw; data fields are also escaped one by one with `inline`, so they cannot forge a line.
  const io = { ...terminal, out: (s: string) => terminal.out(block(s)), err: (s: string) => terminal.err(block(s)) };
  const [command = 'help', ...rest] = argv;
  const now = io.now ?? new Date();
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP + '\n');
    return 0;
  }
  if (!['list', 'tree', 'go', 'status', 'test', 'submit'].includes(command)) {
    io.err(`classpod: unknown command \`${inline(command)}\`; see \`classpod help\`\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    // `classpod submit --help` answers anywhere, inside a workspace or not: the command's line of HELP.
    const [, usage, what] = /^ {2}(\S+(?: \S+)?) {2,}(.*)$/.exec(HELP.split('\n').find((l) => l.startsWith(`  ${command} `)) ?? '') ?? [];
    io.out(`usage: classpod ${usage ?? command}\n  ${what ?? ''}\n\nsee \`classpod help\` for the workspace, the hub and the token it uses\n`);
    return 0;
  }
  try {
    const root = findWorkspaceRoot(io.cwd, io.env);
    const course = readCourse(root);
    const assignments = await listAssignments(root);
    switch (command) {
      case 'list': {
        if (assignments.length === 0) {
          io.out('no assignments in this workspace yet\n');
          return 0;
        }
        const width = String(assignments.length).length;
        const slugWidth = Math.max(...assignments.map((a) => inline(a.slug).length));
        assignments.forEach((a, i) => {
          io.out(`${String(i + 1).padStart(width)}  ${inline(a.slug).padEnd(slugWidth)}  ${inline(a.title)}  (${inline(deadlineState(a, now))})\n`);
        });
        return 0;
      }
      case 'tree': {
        io.out(`${inline(course?.title ?? path.basename(root))}\n`);
        for (const [i, a] of assignments.entries()) {
          const last = i === assignments.length - 1;
          io.out(`${last ? '└── ' : '├── '}${i + 1}. ${inline(a.slug)}/  ${inline(a.title)}\n`);
          for (const line of await treeLines(a.dir, last ? '    ' : '│   ', 3)) io.out(line + '\n');
        }
        return 0;
      }
      case 'go': {
        if (rest.length !== 1) {
          io.err('usage: classpod go N   (N from `classpod list`, or the assignment\'s slug)\n');
          return 2;
        }
        io.out(`cd ${shellQuote(pick(assignments, rest[0]!).dir)}\n`);
        return 0;
      }
      case 'test': {
        if (rest.length > 1) return usageOfOne(io, 'test');
        const target = chosenAssignment(assignments, rest[0], io.cwd, 'test');
        io.out(`public tests of ${inline(target.slug)}\n`);
        let result;
        try {
          result = await runPublicTests(target.dir, target.slug, {
            onTest: (t, done, total) => io.err(`  [${done}/${total}] ${inline(t.name)}: ${inline(t.verdict)}\n`),
          });
        } catch (err) {
          if (ProtocolError.is(err)) throw new WorkspaceError(err.message);
          throw err;
        }
        io.out(formatResultTable(result, result.sandbox) + '\n');
        return !result.systemError && result.compile.status === 'OK' && result.tests.every((t) => t.verdict === 'AC') ? 0 : 1;
      }
      case 'submit': {
        if (rest.length > 1) return usageOfOne(io, 'submit');
        const target = chosenAssignment(assignments, rest[0], io.cwd, 'submit');
        if (!course) throw new WorkspaceError('this workspace has no .classpod/course.json: the hub has not set it up');
        const creds = hubCredentials(io.env, course);
        if (!creds.ok) throw new WorkspaceError(`cannot submit: ${creds.reason}`);
        // The hub snapshots this workspace's folder itself: there is no other copy to send first.
        const hub = await HubSession.open(creds.hubUrl, creds.token);
        try {
          const { submission, serverTime } = await hub.request(SubmitRequest.type, { courseId: course.courseId, assignmentId: target.id });
          for (const line of receiptLines(submission, serverTime)) io.out(line + '\n');
        } catch (err) {
          if (ProtocolError.is(err)) throw new WorkspaceError(`the hub refused the submission: ${err.message}`);
          throw err;
        } finally {
          hub.close();
        }
        return 0;
      }
      case 'status': {
        io.out(`course:     ${course ? `${inline(course.title)} (${inline(course.courseId)})` : 'unknown (no .classpod/course.json)'}\n`);
        if (course?.studentId) io.out(`student:    ${inline(course.studentId)}\n`);
        if (course?.hubUrl) io.out(`hub:        ${inline(course.hubUrl)}\n`);
        io.out(`workspace:  ${inline(root)}\n`);
        const here = assignmentAt(assignments, io.cwd);
        if (here) io.out(`you are in: ${assignments.indexOf(here) + 1}. ${inline(here.slug)}\n`);
        const scores = course ? await latestScores(course, io.env) : { latest: undefined, reason: 'no .classpod/course.json' };
        io.out(`assignments: ${assignments.length}\n`);
        assignments.forEach((a, i) => {
          const tests = a.publicTests === undefined ? 'no public tests' : `${a.publicTests} public test${a.publicTests === 1 ? '' : 's'}`;
          const latest = scores.latest?.get(a.id);
          const score = scores.latest ? `; ${latest ? `latest submission ${scoreText(latest)}` : 'not submitted'}` : '';
          io.out(`  ${i + 1}. ${inline(a.slug)}: ${inline(deadlineState(a, now))}; ${tests}${score}\n`);
        });
        if (!scores.latest) io.out(`scores: not shown (${inline(scores.reason)})\n`);
        return 0;
      }
    }
    return 2;
  } catch (err) {
    if (err instanceof WorkspaceError) {
      io.err(`classpod: ${inline(err.message)}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  runClasspod(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(block(`classpod: ${(err as Error).stack ?? String(err)}\n`));
      process.exitCode = 1;
    },
  );
}
