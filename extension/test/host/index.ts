// Entry of the in-host suite: VS Code loads this file (bundled to
// out/test/index.js) as `extensionTestsPath` and awaits `run()`. Which suites
// run is chosen with CLASSPOD_HOST_SUITES (comma-separated: student, professor),
// default student (the professor suite needs staff tokens: test/vscode/professor.e2e.mjs).

import Mocha from 'mocha';
import { registerStudentSuite } from './student.host';
import { registerProfessorSuite } from './professor.host';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'classpod-host', mocha);
  const suites = (process.env.CLASSPOD_HOST_SUITES ?? 'student').split(',').map((x) => x.trim());
  if (suites.includes('student')) registerStudentSuite();
  if (suites.includes('professor')) registerProfessorSuite();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-host ${failures === 1 ? 'test' : 'tests'} failed`)) : resolve()));
  });
}
