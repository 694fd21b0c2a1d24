// The student's journey, run inside a real VS Code extension host against a
// real hub, agent and grader on loopback (started by test/vscode/run-e2e.mjs,
// which passes the hub's address and a student's token in the environment).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ClasspodApi } from '../../src/vscode/classpod';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this suite through test/vscode/run-e2e.mjs`);
  return v;
}

export function registerStudentSuite(): void {
  describe('student (in the extension host)', function () {
    let api: ClasspodApi;

    before(async function () {
      const ext = vscode.extensions.getExtension<ClasspodApi>('classpod.classpod');
      assert.ok(ext, 'the Classpod extension is installed');
      api = await ext.activate();
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

    it('signs in and lists the demo course with its assignments', async function () {
      assert.equal(await api.commands.signIn({ serverUrl: env('CLASSPOD_HUB_URL'), token: env('CLASSPOD_STUDENT_TOKEN') }), true);
      assert.ok(api.session.account);
      await api.commands.refresh();
      const courses = api.catalog.courses();
      assert.ok(courses.length > 0, 'at least one course');
      assert.ok(courses[0]!.assignments.length > 0, 'the course has assignments');
    });
  });
}
