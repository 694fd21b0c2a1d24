// `classpod-grade --spec FILE --submission DIR [--sandbox isolate|local|none]
// [--public-only] [--json] [--record FILE] [--max-runs N] [--no-pin]`: grade
// one submission and print a table (or one JSON object); `--record` also
// writes the grade record (result, provenance, spec and sources). Exit 0 when
// it graded, whatever the score; 1 when it could not (bad spec, sandbox
// unavailable); 2 for a wrong command line.
// `classpod-grade --rerun RECORD.json [--sandbox …] [--json]`: grade a record
// again and say whether it matched, and if not, why. Exit 0 when it matched,
// 3 when it differs, 1 when it could not rerun.

import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gradeRecordFile, readGradeRecordFile } from '../engine/grade-record-file';
import { gradeSubmission, type GradeOptions } from '../engine/grade-submission';
import { formatRerunReport, rerunGradeRecord } from '../engine/rerun-record';
import { selectSources } from '../engine/submission-files';
import { createSandbox, isSandboxName } from '../sandboxes/create-sandbox';
import type { Sandbox, SandboxName } from '../sandboxes/sandbox';
import { loadSpec } from '../spec/load-spec';
import { publicSpec } from '../spec/public-spec';
import { formatResultTable } from './format-table';

const USAGE = [
  'usage: classpod-grade --spec FILE --submission DIR [--sandbox isolate|local|none] [--public-only] [--json]',
  '                      [--record FILE] [--max-runs N] [--no-pin]',
  '       classpod-grade --rerun RECORD.json [--sandbox isolate|local|none] [--json]',
].join('\n');

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
        record: { type: 'string' },
        rerun: { type: 'string' },
        'max-runs': { type: 'string' },
        'no-pin': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
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
  if (values.sandbox !== undefined && !isSandboxName(values.sandbox)) {
    io.err(`unknown sandbox "${values.sandbox}": use isolate, local or none\n`);
    return 2;
  }
  const maxRuns = values['max-runs'] === undefined ? undefined : Number(values['max-runs']);
  if (maxRuns !== undefined && !(Number.isInteger(maxRuns) && maxRuns >= 1 && maxRuns <= 15)) {
    io.err(`--max-runs must be a whole number from 1 to 15\n`);
    return 2;
  }
  const tuning: GradeOptions = { ...(maxRuns ? { timing: { maxRuns } } : {}), pinCores: !values['no-pin'] };
  if (values.rerun !== undefined) {
    if (values.spec || values.submission || values.record) {
      io.err(`--rerun takes the specification and the sources from the record\n${USAGE}\n`);
      return 2;
    }
    return rerun(values.rerun, values.sandbox as SandboxName | undefined, values.json, tuning, io);
  }
  if (!values.spec || !values.submission) {
    io.err(`--spec and --submission are required\n${USAGE}\n`);
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
    const result = await gradeSubmission(spec, values.submission, { ...tuning, sandbox, publicOnly: values['public-only'] });
    if (values.record) {
      const graded = values['public-only'] ? publicSpec(spec) : spec;
      const sources = await selectSources(values.submission, graded.sources);
      writeFileSync(values.record, JSON.stringify(gradeRecordFile(result, graded, sources.ok ? sources.files : []), null, 2) + '\n');
    }
    io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatResultTable(result, sandbox.description)}\n`);
    return 0;
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 1;
  } finally {
    await sandbox.dispose();
  }
}

/** `--rerun`: grade a record again and compare. */
async function rerun(file: string, sandboxName: SandboxName | undefined, json: boolean, tuning: GradeOptions, io: CliIo): Promise<number> {
  let record;
  try {
    record = readGradeRecordFile(file);
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 1;
  }
  const name = sandboxName ?? (isSandboxName(record.result.sandbox) ? record.result.sandbox : defaultSandbox());
  let sandbox: Sandbox;
  try {
    sandbox = createSandbox(name);
  } catch (err) {
    io.err(`the record was graded with sandbox ${record.result.sandbox}, which cannot run here: ${(err as Error).message} (choose another with --sandbox)\n`);
    return 1;
  }
  try {
    const { report, rerun: again } = await rerunGradeRecord(record, { ...tuning, sandbox });
    io.out(json ? `${JSON.stringify({ report, rerun: again }, null, 2)}\n` : `${formatRerunReport(report)}\n`);
    return report.matched ? 0 : 3;
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
