// An assignment as a teacher writes it: a folder with `assignment.yaml`
// (title, opening and due times, late policy, what students see of hidden
// tests, bonus points an override may give, rubric items), `README.md` (the description),
// `starter/` (files every student starts from), `grading/spec.yaml` (the test
// specification, hidden tests included) and its data. Loading validates all of
// it and computes exactly what a student receives.

import { MAX_RUBRIC_ITEMS, parseDuration, RubricItem, Type, validator, type GradingSpec } from '@classpod/protocol';
import { isSkippedInAssignmentFolder } from '@classpod/sync';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { FolderFileData } from '../blobs/blob-store';
import { parseInstant } from '../time/clock';
import { readFolderFiles } from './folder-files';
import { maxScoreOf, type SpecResolver } from './spec-resolver';

const SubmissionsYaml = Type.Object(
  {
    /** Official submissions a student may make. */
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    /** Least time between two of a student's official submissions: a duration (`30s`, `10m`, `1h`). */
    minInterval: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

/** Longest `submissions.minInterval` accepted (a week), in seconds. */
const MAX_MIN_INTERVAL_SECONDS = 7 * 86_400;

const AssignmentYaml = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** ISO instant or relative to load time (`-1d`, `+7d`). */
    opens: Type.Optional(Type.String({ maxLength: 40 })),
    due: Type.Optional(Type.String({ maxLength: 40 })),
    late: Type.Optional(
      Type.Object(
        {
          penaltyPercentPerDay: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          /** ISO instant or relative to the due time (`+3d`). */
          cutoff: Type.Optional(Type.String({ maxLength: 40 })),
          /** Late-day tokens this assignment takes at most (0: none); absent: as many as the student has (hub/src/deadlines/late-days.ts). */
          maxLateDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** What students see of their results. */
    results: Type.Optional(
      Type.Object(
        {
          /** Show students the names of hidden tests (default false: "hidden test 2 of 4"). */
          showHiddenNames: Type.Optional(Type.Boolean()),
          /** Show students the names of hidden tests once the deadline (the cut-off if any, their extension included) has passed. */
          revealHiddenAfterDeadline: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    /** Limits on a student's official submissions (`maxAttempts: 5`, `minInterval: 10m`). */
    submissions: Type.Optional(SubmissionsYaml),
    /** What staff may do to scores. */
    scores: Type.Optional(
      Type.Object(
        {
          /** Points a score override may give above the maximum (default 0: none). */
          bonusPoints: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Rubric items staff apply to submissions: `{ id, points, description }`, points negative for deductions. */
    rubric: Type.Optional(Type.Array(RubricItem, { maxItems: MAX_RUBRIC_ITEMS })),
    /** A group assignment: staff form groups of at most `maxSize` students, each sharing one workspace and one grade. */
    group: Type.Optional(
      Type.Object(
        {
          maxSize: Type.Integer({ minimum: 2, maximum: 50 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const checkAssignmentYaml = validator(AssignmentYaml);

/** Something wrong with an assignment folder, said so a teacher can fix it. */
export class AssignmentFolderError extends Error {}

/** A validated assignment folder. */
export interface LoadedAssignment {
  id: string;
  title: string;
  description: string;
  opensAt?: string;
  dueAt?: string;
  penaltyPercentPerDay: number;
  cutoffAt?: string;
  /** `late.maxLateDays` of assignment.yaml. */
  maxLateDays?: number;
  spec: GradingSpec;
  publicSpec: GradingSpec;
  maxScore: number;
  /** `results.showHiddenNames` of assignment.yaml. */
  showHiddenNames: boolean;
  /** `scores.bonusPoints` of assignment.yaml. */
  bonusPoints: number;
  /** `rubric` of assignment.yaml; absent when it declares none (the hub's rubric is then left as it is). */
  rubric?: RubricItem[];
  /** `results.revealHiddenAfterDeadline` of assignment.yaml. */
  revealHiddenAfterDeadline: boolean;
  /** `submissions.maxAttempts` of assignment.yaml. */
  maxAttempts?: number;
  /** `submissions.minInterval` of assignment.yaml, in seconds. */
  minIntervalSeconds?: number;
  /** `group.maxSize` of assignment.yaml: absent for an assignment each student does alone. */
  groupMaxSize?: number;
  starterFiles: FolderFileData[];
  /** Files under `.classpod/` every student receives (except the per-student assignment.json). */
  publicFiles: FolderFileData[];
  hiddenTests: number;
  warnings: string[];
}

/** The files of the public test data, as written under `.classpod/`. */
export function publicFilesOf(description: string, publicSpec: GradingSpec): FolderFileData[] {
  const files: FolderFileData[] = [
    { path: 'README.md', content: Buffer.from(description), mode: 0o644 },
    { path: 'tests/spec.json', content: Buffer.from(JSON.stringify(publicSpec, null, 2) + '\n'), mode: 0o644 },
  ];
  for (const g of publicSpec.groups) {
    for (const t of g.tests) {
      files.push({ path: `tests/${g.name}/${t.name}.in`, content: Buffer.from(t.stdin), mode: 0o644 });
      if (t.expectedStdout !== undefined) files.push({ path: `tests/${g.name}/${t.name}.expected`, content: Buffer.from(t.expectedStdout), mode: 0o644 });
    }
  }
  return files;
}

/** Largest `assignment.yaml` and `README.md` (bytes), checked before they are read. */
const MAX_META_BYTES = 64 * 1024;
const MAX_README_BYTES = 1024 * 1024;

/**
 * Refuse an assignment folder that holds a symbolic link anywhere below it: a
 * link could bring a host file into the specification's test data, the
 * starter files or the description. The refusal names the link. What an
 * assignment folder's readers skip (`isSkippedInAssignmentFolder`: `.git`,
 * `node_modules`, …) is never read and not looked into, as in the extension's
 * upload; the specification's loader refuses links itself.
 */
async function refuseLinks(dir: string, id: string, rel = ''): Promise<void> {
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    if (isSkippedInAssignmentFolder(e.name)) continue;
    const relPath = rel ? `${rel}/${e.name}` : e.name;
    if (e.isSymbolicLink()) throw new AssignmentFolderError(`${id}/${relPath} is a symbolic link; assignment folders may not hold links`);
    if (e.isDirectory()) await refuseLinks(dir, id, relPath);
  }
}

/** Read a small text file of the folder, its size checked first; undefined when it is missing. */
async function readSmallFile(dir: string, id: string, rel: string, maxBytes: number): Promise<string | undefined> {
  const st = await lstat(join(dir, rel)).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile()) throw new AssignmentFolderError(`${id}/${rel} is not a file`);
  if (st.size > maxBytes) throw new AssignmentFolderError(`${id}/${rel} is ${st.size} bytes; at most ${maxBytes} are accepted`);
  return readFile(join(dir, rel), 'utf8');
}

/** `submissions.minInterval` in whole seconds, between 1 s and a week. */
function minIntervalOf(text: string, id: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new AssignmentFolderError(`${id}/assignment.yaml: submissions.minInterval \`${text}\` is not a duration like 30s, 10m or 1h`);
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1 || seconds > MAX_MIN_INTERVAL_SECONDS) {
    throw new AssignmentFolderError(`${id}/assignment.yaml: submissions.minInterval \`${text}\` must lie between 1s and 7d`);
  }
  return seconds;
}

/** Load and validate an assignment folder. Relative times are resolved against `base`. */
export async function loadAssignmentFolder(dir: string, id: string, resolveSpec: SpecResolver, base: Date): Promise<LoadedAssignment> {
  const warnings: string[] = [];
  await refuseLinks(dir, id);
  const yamlText = await readSmallFile(dir, id, 'assignment.yaml', MAX_META_BYTES);
  if (yamlText === undefined) throw new AssignmentFolderError(`${id}: assignment.yaml is missing`);
  let meta;
  try {
    meta = checkAssignmentYaml.assert(parseYaml(yamlText) ?? {}, `${id}/assignment.yaml`);
  } catch (err) {
    throw new AssignmentFolderError((err as Error).message);
  }
  const when = (text: string | undefined, field: string, from: Date): string | undefined => {
    if (text === undefined) return undefined;
    const d = parseInstant(text, from);
    if (!d) throw new AssignmentFolderError(`${id}/assignment.yaml: ${field} \`${text}\` is neither an ISO 8601 instant nor a relative time like +7d`);
    return d.toISOString();
  };
  const opensAt = when(meta.opens, 'opens', base);
  const dueAt = when(meta.due, 'due', base);
  const cutoffAt = meta.late?.cutoff !== undefined ? when(meta.late.cutoff, 'late.cutoff', dueAt ? new Date(dueAt) : base) : undefined;
  if (opensAt && dueAt && opensAt > dueAt) throw new AssignmentFolderError(`${id}: opens (${opensAt}) is after due (${dueAt})`);
  if (cutoffAt && dueAt && cutoffAt < dueAt) throw new AssignmentFolderError(`${id}: late.cutoff (${cutoffAt}) is before due (${dueAt})`);
  if (!dueAt) warnings.push('no due time: the assignment is never collected');
  const rubricIds = new Set<string>();
  for (const item of meta.rubric ?? []) {
    if (rubricIds.has(item.id)) throw new AssignmentFolderError(`${id}/assignment.yaml: rubric item \`${item.id}\` is declared twice`);
    rubricIds.add(item.id);
  }
  const minIntervalSeconds = meta.submissions?.minInterval !== undefined ? minIntervalOf(meta.submissions.minInterval, id) : undefined;
  if (meta.results?.revealHiddenAfterDeadline && !dueAt) warnings.push('results.revealHiddenAfterDeadline without a due time: hidden test names are never revealed');

  const description = (await readSmallFile(dir, id, 'README.md', MAX_README_BYTES)) ?? '';
  if (!description) warnings.push('README.md is missing or empty: students get no description');

  const specPath = ['grading/spec.yaml', 'grading/spec.yml', 'grading/spec.json'].map((p) => join(dir, p)).find((p) => existsSync(p));
  if (!specPath) throw new AssignmentFolderError(`${id}: grading/spec.yaml is missing`);
  let resolved;
  try {
    resolved = resolveSpec(specPath);
  } catch (err) {
    // The loader names the spec by its path here; say it relative to the assignment instead.
    const message = (err as Error).message.split(`${dir}/`).join(`${id}/`);
    throw new AssignmentFolderError(message.startsWith(`${id}/`) ? message : `${id}: ${message}`);
  }
  const starterDir = join(dir, 'starter');
  const starterFiles = existsSync(starterDir) ? await readFolderFiles(starterDir) : [];
  if (starterFiles.length === 0) warnings.push('starter/ is empty: students start from an empty folder');
  if (starterFiles.some((f) => f.path === '.classpod' || f.path.startsWith('.classpod/'))) {
    throw new AssignmentFolderError(`${id}: starter/ must not contain .classpod/ (the hub writes it)`);
  }
  const hiddenTests = resolved.publicSpec.hidden?.tests ?? 0;
  if (hiddenTests === 0) warnings.push('no hidden tests: students can see every test');
  return {
    id,
    title: meta.title,
    description,
    opensAt,
    dueAt,
    penaltyPercentPerDay: meta.late?.penaltyPercentPerDay ?? 0,
    cutoffAt,
    ...(meta.late?.maxLateDays !== undefined ? { maxLateDays: meta.late.maxLateDays } : {}),
    spec: resolved.spec,
    publicSpec: resolved.publicSpec,
    maxScore: maxScoreOf(resolved.spec),
    showHiddenNames: meta.results?.showHiddenNames ?? false,
    bonusPoints: meta.scores?.bonusPoints ?? 0,
    ...(meta.rubric ? { rubric: meta.rubric.map((i) => ({ id: i.id, points: i.points, description: i.description })) } : {}),
    revealHiddenAfterDeadline: meta.results?.revealHiddenAfterDeadline ?? false,
    ...(meta.submissions?.maxAttempts !== undefined ? { maxAttempts: meta.submissions.maxAttempts } : {}),
    ...(minIntervalSeconds !== undefined ? { minIntervalSeconds } : {}),
    ...(meta.group ? { groupMaxSize: meta.group.maxSize } : {}),
    starterFiles,
    publicFiles: publicFilesOf(description, resolved.publicSpec),
    hiddenTests,
    warnings,
  };
}
