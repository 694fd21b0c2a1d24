// Entry of the in-host suite: VS Code loads this file (bundled to
// out/test/index.js) as `extensionTestsPath` and awaits `run()`. Which suites
// run is chosen with CLASSPOD_HOST_SUITES (comma-separated), default all.

import Mocha from 'mocha';
import { registerStudentSuite } from './student.host';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'classpod-host', mocha);
  registerStudentSuite();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-host test(s) failed`)) : resolve()));
  });
}
