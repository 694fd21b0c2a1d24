// `classpod-grader --hub URL --token-file FILE [--sandbox isolate|local|none]
// [--concurrency N] [--worker-id NAME] [--cache-dir DIR] [--grace-ms MS]
// [--max-runs N] [--no-pin]`: the grading worker. Logs JSON lines on standard
// error. SIGTERM or SIGINT stops leasing, lets running jobs finish within the
// grace period and hands back the rest. When the hub refuses the worker (its
// grading policy does not name this sandbox) it says so and exits 1.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '@classpod/observability';
import { BuildCache } from '../engine/build-cache';
import { createSandbox, isSandboxName } from '../sandboxes/create-sandbox';
import { GradingWorker } from '../worker/grading-worker';

const USAGE =
  'usage: classpod-grader --hub URL --token-file FILE [--sandbox isolate|local|none] [--concurrency N] [--worker-id NAME] [--cache-dir DIR] [--grace-ms MS] [--max-runs N] [--no-pin]';

const HELP = `${USAGE}

The grading worker: dials the hub, leases grading jobs, grades each in a sandbox
and reports the result. Logs JSON lines on standard error. SIGTERM or SIGINT
stops leasing, lets running jobs finish within the grace period and hands back
the rest.

  --hub URL            the hub's grader endpoint, e.g. wss://HUB/v1/grader
  --token-file FILE    a file holding a hub token with the grader scope
  --sandbox NAME       isolate (default), local or none
  --concurrency N      jobs graded at once (default 1)
  --worker-id NAME     how the hub names this worker (default: host name and pid)
  --cache-dir DIR      build cache (default: $TMPDIR/classpod-build-cache)
  --grace-ms MS        how long running jobs may finish on stop (default 30000)
  --max-runs N         most runs of a test whose time lies within 10 % of its limit (default 3)
  --no-pin             do not pin test runs to one core
  --help, -h           this text
`;

/** Run the worker until a signal stops it; resolves to the exit status. */
export async function workerCli(argv: string[]): Promise<number> {
  const log = createLogger({ name: 'classpod-grader' });
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        hub: { type: 'string' },
        'token-file': { type: 'string' },
        sandbox: { type: 'string', default: 'isolate' },
        concurrency: { type: 'string', default: '1' },
        'worker-id': { type: 'string' },
        'cache-dir': { type: 'string' },
        'grace-ms': { type: 'string', default: '30000' },
        'max-runs': { type: 'string', default: '3' },
        'no-pin': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const concurrency = Number(values.concurrency);
  const graceMs = Number(values['grace-ms']);
  const maxRuns = Number(values['max-runs']);
  if (!values.hub || !values['token-file'] || !isSandboxName(values.sandbox!) || !(concurrency >= 1) || !(graceMs >= 0) || !(Number.isInteger(maxRuns) && maxRuns >= 1)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let token: string;
  try {
    token = readFileSync(values['token-file'], 'utf8').trim();
  } catch (err) {
    log.error('cannot read the token file', { file: values['token-file'], err: (err as Error).message });
    return 1;
  }
  let sandbox;
  try {
    sandbox = createSandbox(values.sandbox, { poolSize: Math.max(16, concurrency * 2) });
  } catch (err) {
    log.error('sandbox unavailable', { sandbox: values.sandbox, err: (err as Error).message });
    return 1;
  }
  const worker = new GradingWorker({
    hubUrl: values.hub,
    token,
    sandbox,
    concurrency,
    logger: log,
    timing: { maxRuns },
    pinCores: !values['no-pin'],
    ...(values['worker-id'] ? { workerId: values['worker-id'] } : {}),
    ...(values['cache-dir'] ? { buildCache: new BuildCache(values['cache-dir']) } : {}),
  });
  log.info('starting', { hub: values.hub, sandbox: sandbox.description, concurrency });
  worker.start();
  const refused = await new Promise<boolean>((resolve) => {
    const onSignal = (signal: string): void => {
      log.info('stopping', { signal, graceMs });
      resolve(false);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    void worker.refused.then(() => resolve(true));
  });
  await worker.stop(graceMs);
  await sandbox.dispose();
  if (refused) {
    process.stderr.write(`classpod-grader: the hub refused this worker: ${worker.refusal!.message}\n`);
    return 1;
  }
  log.info('stopped', { ...worker.counters });
  return 0;
}
