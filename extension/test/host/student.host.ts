// The student's journey, run inside a real VS Code extension host against a
// real hub, agent and grader on loopback (started by test/vscode/run-e2e.mjs,
// which passes the hub's address and a student's token in the environment).

import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { skipBecause } from '@classpod/test-support';
import type { ClasspodApi } from '../../src/vscode/classpod';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this suite through test/vscode/run-e2e.mjs`);
  return v;
}

/** Resolves when `check` returns a value, re-checking on every change of `event`. */
function when<T>(event: vscode.Event<unknown> | ((l: () => void) => { dispose(): void }), check: () => T | undefined): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve) => {
    const sub = (event as (l: () => void) => { dispose(): void })(() => {
      const v = check();
      if (v === undefined) return;
      sub.dispose();
      resolve(v);
    });
  });
}

/** Resolves when the terminal transcript matches `re` (the pty writes are the event). */
async function transcriptMatches(read: () => string, re: RegExp): Promise<string> {
  while (!re.test(read())) await new Promise((r) => setTimeout(r, 100));
  return read();
}

export function registerStudentSuite(): void {
  describe('student journey (in the extension host)', function () {
    let api: ClasspodApi;
    const folder = (): string => path.join(env('CLASSPOD_E2E_DIR'), 'host-assignments', 'c-sum');

    before(async function () {
      const ext = vscode.extensions.getExtension<ClasspodApi>('classpod.classpod');
      assert.ok(ext, 'the Classpod extension is installed');
      api = await ext.activate();
    });

    it('contributes its view, commands, terminal profile and settings', async function () {
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['classpod.signIn', 'classpod.signOut', 'classpod.openAssignment', 'classpod.openTerminal', 'classpod.submit', 'classpod.showConflicts']) {
        assert.ok(commands.includes(c), `command ${c}`);
      }
      const config = vscode.workspace.getConfiguration('classpod');
      assert.deepEqual(config.get('ignore'), []);
      assert.equal(typeof config.get('serverUrl'), 'string');
    });

    it('refuses a token the course server does not know, saying so', async function () {
      await assert.rejects(
        () => api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token: 'not-a-real-token' }),
        (err: Error & { problem?: string }) => err.problem === 'unauthorized' && /refused your token/.test(err.message),
      );
      assert.equal(api.session.account, undefined);
    });

    it('says the server is down when nothing answers at the address', async function () {
      await assert.rejects(
        () => api.commands.signIn({ serverUrl: 'http://127.0.0.1:9', token: env('CLASSPOD_STUDENT_TOKEN') }),
        (err: Error & { problem?: string }) => err.problem === 'unreachable' && /does not answer/.test(err.message),
      );
    });

    it('says the address is not a course server', async function () {
      const notHub = new URL(env('CLASSPOD_HUB_URL'));
      notHub.pathname = '/not-classpod';
      await assert.rejects(
        () => api.commands.signIn({ serverUrl: notHub.href, token: env('CLASSPOD_STUDENT_TOKEN') }),
        (err: Error & { problem?: string }) => err.problem === 'not-classpod',
      );
    });

    it('signs in and lists the demo course with due times, states and scores', async function () {
      assert.equal(await api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token: env('CLASSPOD_STUDENT_TOKEN') }), true);
      assert.equal(api.session.account?.person.personId, 'grace');
      await api.commands.refresh();
      const course = api.catalog.courses().find((c) => c.course.id === 'cs101');
      assert.ok(course, 'the demo course is listed');
      const sum = course.assignments.find((a) => a.id === 'c-sum');
      assert.ok(sum?.dueAt, 'c-sum has a due time');
      assert.equal(sum.state, 'not started');
    });

    it('opens an assignment: starter files arrive and the folder syncs', async function () {
      const opened = await api.commands.openAssignment({ courseId: 'cs101', assignmentId: 'c-sum', folder: folder(), openFolder: false });
      assert.equal(opened, folder());
      assert.ok(existsSync(path.join(folder(), 'sum.c')), 'the starter source is there');
      assert.ok(existsSync(path.join(folder(), '.classpod', 'tests', 'spec.json')), 'the public tests are there');
      const active = api.folders.find('cs101', 'c-sum');
      assert.ok(active);
      await when(active.sync.onDidChangeStatus, () => (active.sync.status.kind === 'synced' ? true : undefined));
    });

    it('types in the workspace terminal, sees the echo, and sees a local edit there', async function () {
      await fs.appendFile(path.join(folder(), 'sum.c'), '/* host-suite-edit */\n');
      await api.folders.find('cs101', 'c-sum')!.sync.syncNow();
      const terminal = (await vscode.commands.executeCommand('classpod.openTerminal', { courseId: 'cs101', assignmentId: 'c-sum' })) as vscode.Terminal;
      assert.ok(terminal, 'a terminal opened');
      const pty = api.terminals.ptys[api.terminals.ptys.length - 1]!;
      await transcriptMatches(() => pty.transcript, /[$#] $/m);
      terminal.sendText('echo echo-$((6*7)); grep -c host-suite-edit sum.c');
      const text = await transcriptMatches(() => pty.transcript, /echo-42\r?\n1\r?\n/);
      assert.match(text, /echo-42/);
      terminal.dispose();
    });

    it('keeps the terminal through a network drop and shows what it missed, once', async function () {
      const terminal = (await vscode.commands.executeCommand('classpod.openTerminal', { courseId: 'cs101' })) as vscode.Terminal;
      const pty = api.terminals.ptys[api.terminals.ptys.length - 1]!;
      await transcriptMatches(() => pty.transcript, /[$#] $/m);
      terminal.sendText('echo armed-$((0+1)); sleep 2; echo missed-$((40+2))');
      await transcriptMatches(() => pty.transcript, /armed-1/);
      api.workspaces.get('cs101').endpoint!.close(4001, 'network cut');
      const text = await transcriptMatches(() => pty.transcript, /\[reconnected[^\]]*\][\s\S]*missed-42|missed-42[\s\S]*\[reconnected/);
      assert.match(text, /connection to your workspace lost/);
      assert.equal(text.match(/missed-42\r?\n/g)?.length, 1, 'the missed line shows exactly once');
      terminal.sendText('echo still-here-$((4+5))');
      await transcriptMatches(() => pty.transcript, /still-here-9/);
      terminal.dispose();
    });

    it('runs the public tests on this machine: the starter fails with an expected-versus-actual diff', async function () {
      const run = await api.commands.runTests('local');
      assert.ok(run, 'a run was recorded');
      assert.deepEqual(run.outcomes.map((o) => o.id), ['examples/small', 'examples/negative']);
      for (const o of run.outcomes) {
        assert.equal(o.passed, false);
        assert.ok(o.expected && o.actual && o.expected !== o.actual, `${o.id} shows expected and actual`);
      }
    });

    it('runs the public tests in the workspace: a fixed program passes there', async function () {
      const solution = await fs.readFile(path.join(env('CLASSPOD_E2E_REPO'), 'examples', 'demo-course', 'assignments', 'c-sum', 'solution', 'sum.c'), 'utf8');
      await fs.writeFile(path.join(folder(), 'sum.c'), solution);
      const run = await api.commands.runTests('workspace');
      assert.ok(run);
      assert.deepEqual(run.outcomes.map((o) => [o.id, o.passed]), [['examples/small', true], ['examples/negative', true]]);
    });

    it('submits with a receipt, and the score arrives without a reload', async function () {
      this.timeout(300_000);
      const receipt = await api.commands.submit({ courseId: 'cs101', assignmentId: 'c-sum', confirmed: true });
      assert.ok(receipt, 'a receipt');
      assert.match(receipt.submission.snapshotHash, /^[0-9a-f]{64}$/);
      assert.equal(receipt.submission.late, false);
      assert.ok(receipt.serverTime);
      if (!process.env.CLASSPOD_E2E_GRADER) skipBecause(this, 'the run has no grading worker: nothing will grade it');
      const graded = await when(api.catalog.onDidChange, () => {
        const a = api.catalog.find('cs101', 'c-sum');
        return a?.state === 'graded' ? a : undefined;
      });
      assert.ok(graded.score !== undefined && graded.score > 0, `scored ${graded.score}`);
    });

    it('signs out: the token is forgotten and syncing stops, the files stay', async function () {
      await api.commands.signOut();
      assert.equal(api.session.account, undefined);
      assert.equal(await api.session.storedServer(), undefined, 'nothing left in secret storage');
      assert.equal(api.folders.list().length, 0, 'no folder syncs any more');
      assert.ok(existsSync(path.join(folder(), 'sum.c')), 'the student keeps their files');
    });
  });
}
