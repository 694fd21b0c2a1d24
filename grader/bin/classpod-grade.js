#!/usr/bin/env node
// Grade one submission against a test specification; see grader/README.md.
require('../dist/src/cli/grade-cli.js')
  .gradeCli(process.argv.slice(2))
  .then((code) => (process.exitCode = code));
