// `classpod-grade --spec FILE --submission DIR [--sandbox isolate|local|none]
// [--public-only] [--json]`: grade one submission and print a table (or one
// JSON object). Exit 0 when it graded, whatever the score; 1 when it could
// not (bad spec, sandbox unavailable); 2 for a wrong command line.

import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gradeSubmission } from '../engine/grade-submission';
import { createSandbox, isSandboxName } from '../sandboxes/create-sandbox';
import type { Sandbox, SandboxName } from '../sandboxes/sandbox';
import { loadSpec } from '../spec/load-spec';
import { formatResultTable } from './format-table';

const USAGE = 'usage: classpod-grade --spec FILE --submission DIR [--sandbox isolate|local|none] [--public-only] [--json]';

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Run the command; resolves to the exit status. */
export async function gradeCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        spec: { type: 'string' },
        submission: { type: 'string' },
        sandbox: { type: 'string' },
        'public-only': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (!values.spec || !values.submission) {
    io.err(`--spec and --submission are required\n${USAGE}\n`);
    return 2;
  }
  if (values.sandbox !== undefined && !isSandboxName(values.sandbox)) {
    io.err(`unknown sandbox "${values.sandbox}": use isolate, local or none\n`);
    return 2;
  }
  try {
    if (!statSync(values.submission).isDirectory()) throw new Error('not a folder');
  } catch {
    io.err(`submission folder ${values.submission} does not exist\n`);
    return 1;
  }
  let sandbox: Sandbox;
  try {
    sandbox = createSandbox((values.sandbox as SandboxName | undefined) ?? defaultSandbox());
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 1;
  }
  try {
    const spec = loadSpec(values.spec);
    const result = await gradeSubmission(spec, values.submission, { sandbox, publicOnly: values['public-only'] });
    io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatResultTable(result, sandbox.description)}\n`);
    return 0;
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 1;
  } finally {
    await sandbox.dispose();
  }
}

/** `local` where it can run, else `none`. */
function defaultSandbox(): SandboxName {
  if (process.platform !== 'linux') return 'none';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const local = require('../sandboxes/local-sandbox') as typeof import('../sandboxes/local-sandbox');
  return local.localSandboxUnavailable() === null ? 'local' : 'none';
}
