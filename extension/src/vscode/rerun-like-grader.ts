// The student's "Rerun Like the Grader": from a graded test in the Testing
// view or the Test Results (or with ids, from the palette or a test), sync
// the assignment folder, run that test in the workspace under the grader's
// limits, and show whether the verdict is the grader's and, if not, why it
// may differ — in the Testing view, the Classpod output and a notification.

import * as vscode from 'vscode';
import { GetResultRequest, type RpcEndpoint } from '@classpod/protocol';
import type { CourseCatalog } from '../courses/course-catalog';
import type { WorkspaceConnections } from '../connection/workspace-connections';
import type { Logger } from '../log';
import { isPassed } from '../results/result-text';
import { rerunLikeGrader, type RerunOutcome } from '../testing/grader-rerun';
import { loadPublicSpec } from '../testing/public-tests';
import type { AssignmentFolders } from './assignment-folders';
import { parseTestItemId, type ClasspodTesting } from './testing';

/** What the command accepts: a Testing view item, a Test Results message's argument, or ids. */
export type RerunArgs =
  | vscode.TestItem
  | { test: vscode.TestItem; message?: vscode.TestMessage }
  | { courseId: string; assignmentId: string; group: string; name: string };

export interface RerunDeps {
  hub: () => Promise<RpcEndpoint>;
  catalog: CourseCatalog;
  folders: AssignmentFolders;
  workspaces: WorkspaceConnections;
  testing: ClasspodTesting;
  channel: vscode.OutputChannel;
  logger: Logger;
}

function targetOf(args: RerunArgs | undefined): { courseId: string; assignmentId: string; group: string; name: string } | undefined {
  if (!args) return undefined;
  if ('courseId' in args) return args;
  const item = 'test' in args && typeof args.test === 'object' ? args.test : (args as vscode.TestItem);
  return parseTestItemId(item.id);
}

/** Rerun a graded test of the student's submission that counts; resolves with the outcome. */
export async function rerunCommand(deps: RerunDeps, args?: RerunArgs): Promise<RerunOutcome | undefined> {
  const target = targetOf(args);
  if (!target) throw new Error('Choose a test in the Testing view to rerun it like the grader.');
  const assignment = deps.catalog.find(target.courseId, target.assignmentId);
  const submissionId = assignment?.latestSubmissionId;
  if (!submissionId) throw new Error(`“${assignment?.title ?? target.assignmentId}” has no graded submission yet: submit it first.`);
  const active = deps.folders.find(target.courseId, target.assignmentId);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rerunning ${target.group}/${target.name} like the grader…`, cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return rerunLikeGrader(
        { submissionId, group: target.group, name: target.name },
        {
          gradingResult: async (id) => (await (await deps.hub()).request(GetResultRequest.type, { submissionId: id })).result,
          workspace: async () => ({ endpoint: await deps.workspaces.get(target.courseId).ready() }),
          path: active?.marker.slug ?? target.assignmentId,
          where: 'your workspace',
          ...(active ? { spec: () => loadPublicSpec(active.folder), beforeRun: () => active.sync.syncNow().then(() => undefined) } : {}),
        },
        abort.signal,
      );
    },
  );
  const { comparison, rerun } = outcome;
  for (const line of comparison.lines) deps.channel.appendLine(line);
  deps.testing.showRerun(`${target.courseId}/${target.assignmentId}::${target.group}/${target.name}`, isPassed(rerun), comparison.lines, rerun.wallMs);
  deps.logger.info('reran a graded test', { submissionId, test: `${target.group}/${target.name}`, same: comparison.same, reasons: comparison.reasons.length });
  const show = comparison.same ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(comparison.summary, 'Show Details').then((c) => {
    if (c) deps.channel.show(true);
  });
  return outcome;
}
