#!/usr/bin/env node
// The grading worker: leases jobs from a hub; see grader/README.md.
require('../dist/src/cli/worker-cli.js')
  .workerCli(process.argv.slice(2))
  .then((code) => (process.exitCode = code));
