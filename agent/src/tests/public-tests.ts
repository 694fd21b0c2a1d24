// Running an assignment's public tests: read its public specification and
// pick the sandbox. Shared by the tests service and `classpod test`.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createSandbox, gradeSubmission, type GradeOptions, type SandboxName } from '@classpod/grader';
import { errors, GradingSpec, validator, type GradeResult } from '@classpod/protocol';

const specValidator = validator(GradingSpec);

/** Where an assignment's public specification lives, relative to its folder. */
export const PUBLIC_SPEC_PATH = '.classpod/tests/spec.json';

/** Read and check `<dir>/.classpod/tests/spec.json`; `shown` names the folder in errors. */
export async function readPublicSpec(dir: string, shown: string): Promise<GradingSpec> {
  const file = path.join(dir, ...PUBLIC_SPEC_PATH.split('/'));
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw errors.notFound(`\`${shown}\` has no public tests (${PUBLIC_SPEC_PATH} is missing)`, { path: shown });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw errors.invalidParams(`${shown}/${PUBLIC_SPEC_PATH} is not valid JSON: ${(err as Error).message}`);
  }
  return specValidator.assert(raw, `${shown}/${PUBLIC_SPEC_PATH}`);
}

let chosen: Promise<SandboxName> | undefined;

/** `local` when bubblewrap and its tools work here, else `none` (limits and timeouts only). Decided once. */
export function chooseSandbox(): Promise<SandboxName> {
  return (chosen ??= (async (): Promise<SandboxName> => {
    try {
      await createSandbox('local').dispose();
      return 'local';
    } catch {
      return 'none';
    }
  })());
}

/** Grade the folder against its public tests. */
export async function runPublicTests(dir: string, shown: string, options: Omit<GradeOptions, 'sandbox' | 'publicOnly'> = {}): Promise<GradeResult> {
  const spec = await readPublicSpec(dir, shown);
  return gradeSubmission(spec, dir, { ...options, sandbox: await chooseSandbox(), publicOnly: true });
}
