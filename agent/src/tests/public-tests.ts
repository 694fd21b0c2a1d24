// Running an assignment's public tests (all, or one to rerun it like the
// grader): read its public specification and pick the sandbox. Shared by the
// tests service and `classpod test`.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GradeOptions, SandboxName } from '@classpod/grader';
import { errors, GradingSpec, validator, type GradeResult, type Validator } from '@classpod/protocol';

// The grading engine and the specification's checker are loaded with the first test run:
// an agent in which nobody runs tests never pays for them.
let graderModule: typeof import('@classpod/grader') | undefined;
function grader(): typeof import('@classpod/grader') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (graderModule ??= require('@classpod/grader') as typeof import('@classpod/grader'));
}
let specValidator: Validator<GradingSpec> | undefined;

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
  return (specValidator ??= validator(GradingSpec)).assert(raw, `${shown}/${PUBLIC_SPEC_PATH}`);
}

let chosen: Promise<SandboxName> | undefined;

/** `local` when bubblewrap and its tools work here, else `none` (limits and timeouts only). Decided once. */
export function chooseSandbox(): Promise<SandboxName> {
  return (chosen ??= (async (): Promise<SandboxName> => {
    try {
      await grader().createSandbox('local').dispose();
      return 'local';
    } catch {
      return 'none';
    }
  })());
}

/** A public test, by group and name. */
export interface TestName {
  group: string;
  name: string;
}

/**
 * The specification narrowed to one test, worth what it is worth in its
 * group, with the same limits and comparison: what a rerun of that test runs.
 */
export function singleTestSpec(spec: GradingSpec, only: TestName, shown: string): GradingSpec {
  const group = spec.groups.find((g) => g.name === only.group);
  const index = group?.tests.findIndex((t) => t.name === only.name) ?? -1;
  if (!group || index < 0) throw errors.notFound(`\`${shown}\` has no public test ${only.group}/${only.name}`, { path: shown });
  const total = group.tests.reduce((n, t) => n + t.weight, 0);
  const points = total > 0 ? (group.points * group.tests[index]!.weight) / total : 0;
  return { ...spec, groups: [{ ...group, scoring: 'sum', points, tests: [group.tests[index]!] }] };
}

/** Grade the folder against its public tests, or only against `only`. */
export async function runPublicTests(
  dir: string,
  shown: string,
  options: Omit<GradeOptions, 'sandbox' | 'publicOnly'> = {},
  only?: TestName,
): Promise<GradeResult> {
  const spec = await readPublicSpec(dir, shown);
  return grader().gradeSubmission(only ? singleTestSpec(spec, only, shown) : spec, dir, { ...options, sandbox: await chooseSandbox(), publicOnly: true });
}
