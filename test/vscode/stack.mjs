// The Classpod side of the end-to-end run: a real course server (hub) on
// loopback with the demo course, two students and their tokens, a grading
// worker with the `none` sandbox when the grader package has one (the hub's
// grading policy names `none` for this run), all in a temporary data folder.

import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, startProcess } from './processes.mjs';

/**
 * Start the hub (and a grader worker) for the demo course; returns addresses, tokens and logs.
 * `setup(hub)` may run more `classpod-hub` commands first and resolve with more tokens by name.
 * `host` is the address it listens on, `serveArgs` more options of `classpod-hub serve` (an OpenID configuration).
 * `submissionLimit` (a number) gives the demo's c-sum that attempt limit (`submissions.maxAttempts`), for a journey that reads it.
 * `setIdle('1m')` shortens the course's idle time while the hub runs, so a journey can see a workspace paused.
 */
export async function startStack({ repo, dir, logDir, setup, host = '127.0.0.1', serveArgs = [], submissionLimit }) {
  const hubCli = join(repo, 'hub', 'dist', 'src', 'cli', 'classpod-hub.js');
  if (!existsSync(hubCli)) throw new Error(`${hubCli} is missing: build the repository first (npx tsc -b)`);
  mkdirSync(dir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const data = join(dir, 'hub-data');
  const hub = (...args) => run(process.execPath, [hubCli, ...args, '--data', data]);
  const course = join(repo, 'examples', 'demo-course');
  await hub('course', 'create', '--from', course);
  // Every student has 2 late days: the countdown and the gradebook show them.
  await hub('course', 'late-days', '--course', 'cs101', '--days', '2');
  if (submissionLimit !== undefined) {
    // The same assignment, replaced with a copy whose assignment.yaml limits official submissions.
    const limited = join(dir, 'c-sum-limited');
    cpSync(join(course, 'assignments', 'c-sum'), limited, { recursive: true });
    appendFileSync(join(limited, 'assignment.yaml'), `submissions:\n  maxAttempts: ${submissionLimit}\n`);
    await hub('assignment', 'add', '--course', 'cs101', '--folder', limited, '--id', 'c-sum');
  }
  const tokens = {};
  for (const [id, name] of [
    ['ada', 'Ada Lovelace'],
    ['grace', 'Grace Hopper'],
  ]) {
    await hub('people', 'add', '--id', id, '--name', name, '--course', 'cs101', '--role', 'student');
    tokens[id] = /: (\S+)\s*$/.exec(await hub('tokens', 'issue', '--person', id))[1];
  }
  const graderToken = /: (\S+)\s*$/.exec(await hub('tokens', 'issue', '--grader'))[1];
  // More people or courses before the hub starts (the professor run adds staff); may add tokens.
  if (setup) Object.assign(tokens, await setup(hub));
  const server = await startProcess({
    name: 'hub',
    command: process.execPath,
    // The run's worker grades the demo's own solutions with `none`; the hub is told to record its grades
    // (by default it refuses any worker outside isolate).
    args: [hubCli, 'serve', '--data', data, '--host', host, '--port', '0', '--isolation', 'none', '--official-sandboxes', 'none', ...serveArgs],
    env: { CLASSPOD_LOG_LEVEL: 'info' },
    log: join(logDir, 'hub.log'),
    ready: (line) => /^listening on (http:\/\/\S+)/.exec(line)?.[1],
  });
  const url = server.match;
  let grader;
  // The worker program, as the grader package names it.
  const graderBin = JSON.parse(readFileSync(join(repo, 'grader', 'package.json'), 'utf8')).bin?.['classpod-grader'];
  const graderCli = graderBin ? join(repo, 'grader', graderBin) : join(repo, 'grader', 'bin', 'classpod-grader');
  if (existsSync(graderCli) && existsSync(join(repo, 'grader', 'dist', 'src', 'cli', 'worker-cli.js'))) {
    const tokenFile = join(dir, 'grader.token');
    writeFileSync(tokenFile, graderToken, { mode: 0o600 });
    grader = await startProcess({
      name: 'grader',
      command: process.execPath,
      args: [graderCli, '--hub', `${url.replace(/^http/, 'ws')}/v1/grader`, '--token-file', tokenFile, '--sandbox', 'none', '--grace-ms', '2000'],
      log: join(logDir, 'grader.log'),
      ready: (line) => /"msg":"starting"/.test(line),
    });
  }
  /** Change the course's idle time while the hub runs (`1m`, or `default`): the hub reads it at its next look. */
  const setIdle = (duration) => hub('course', 'idle', '--course', 'cs101', '--idle-stop', duration);
  return { url, data, tokens, graderToken, hub: server, grader, setIdle };
}
