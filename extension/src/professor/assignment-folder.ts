// Reads a professor's local assignment folder (assignment.yaml, README.md,
// starter/, grading/spec.yaml and test data) into the files `assignments/upsert`
// takes, leaving out what never belongs to an assignment (the one rule both
// this upload and the hub's `assignment add` follow:
// `isSkippedInAssignmentFolder` of @classpod/sync), and describes what the hub answered: what
// students will receive and what stays hidden.

import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { plural, type FolderFile, type ResultOf, type UpsertAssignmentRequest } from '@classpod/protocol';
import { isSkippedInAssignmentFolder } from '@classpod/sync';

export interface ReadFolderOptions {
  /** Most files accepted (the hub takes 2000). */
  maxFiles?: number;
  /** Most bytes accepted (the hub takes 20 MiB). */
  maxBytes?: number;
}

/** A folder that cannot be sent, with why. */
export class AssignmentFolderProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssignmentFolderProblem';
  }
}

/** Every file under `root` but the skipped names, relative paths with `/`, content base64, mode kept. Symbolic links are refused. */
export async function readAssignmentFolder(root: string, options: ReadFolderOptions = {}): Promise<FolderFile[]> {
  const maxFiles = options.maxFiles ?? 2000;
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  const files: FolderFile[] = [];
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (isSkippedInAssignmentFolder(e.name)) continue;
      const abs = join(dir, e.name);
      const rel = relative(root, abs).split(sep).join('/');
      if (e.isSymbolicLink()) throw new AssignmentFolderProblem(`${rel} is a symbolic link; copy the file it points to instead`);
      if (e.isDirectory()) {
        await walk(abs);
        continue;
      }
      if (!e.isFile()) continue;
      const st = await lstat(abs);
      bytes += st.size;
      if (files.length >= maxFiles) throw new AssignmentFolderProblem(`the folder holds more than ${maxFiles} files`);
      if (bytes > maxBytes) throw new AssignmentFolderProblem(`the folder holds more than ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes} bytes`} (at ${rel})`);
      files.push({ path: rel, contentBase64: (await readFile(abs)).toString('base64'), mode: st.mode & 0o777 });
    }
  };
  await walk(root);
  if (files.length === 0) throw new AssignmentFolderProblem(`${root} holds no files`);
  return files;
}

export type UpsertOutcome = ResultOf<typeof UpsertAssignmentRequest.type>;

/** A Markdown page that tells the professor what students will receive, before anything changes. */
export function describeUpsert(courseId: string, outcome: UpsertOutcome, dryRun: boolean): string {
  const a = outcome.assignment;
  const lines = [
    `# ${a.title}`,
    '',
    `${dryRun ? (outcome.created ? 'Would create' : 'Would update') : outcome.created ? 'Created' : 'Updated'} assignment \`${a.id}\` in course \`${courseId}\`.`,
    '',
  ];
  if (a.opensAt) lines.push(`- Opens: ${a.opensAt}`);
  if (a.dueAt) lines.push(`- Due: ${a.dueAt}`);
  lines.push(`- Late penalty: ${a.latePolicy.penaltyPercentPerDay}% per started day${a.latePolicy.cutoffAt ? `, no submissions after ${a.latePolicy.cutoffAt}` : ', no late submissions'}`);
  if (a.maxScore !== undefined) lines.push(`- Maximum score: ${a.maxScore}`);
  lines.push(`- Hidden tests (kept on the grader, never sent to students): ${outcome.hiddenTests}`);
  lines.push('', `## Students receive ${plural(outcome.studentFiles.length, 'file')}`, '');
  for (const f of [...outcome.studentFiles].sort()) lines.push(`- \`${f}\``);
  if (outcome.warnings.length > 0) {
    lines.push('', '## Warnings', '');
    for (const w of outcome.warnings) lines.push(`- ${w}`);
  }
  return lines.join('\n') + '\n';
}
