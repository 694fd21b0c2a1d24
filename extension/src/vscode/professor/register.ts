// Wires the professor side into VS Code: when the signed-in person teaches a
// course, a professor session (its own hub connection, the cluster model and
// the staff actions) starts, the `classpod.staff` context key shows the Cluster
// view, and the commands, the gradebook and the `classpod:` file system serve
// it. Students
// never get a professor session, so their view stays hidden and empty.

import * as vscode from 'vscode';
import { HUB_CONNECT_PATH } from '../../connection/paths';
import { CLASSPOD_SCHEME } from '../../professor/classpod-uri';
import { nodeId, type ClusterNode } from '../../professor/cluster-nodes';
import { ProfessorSession, teachesAnyCourse } from '../../professor/professor-session';
import { HUB_CAPABILITIES } from '../../session/student-session';
import type { ClasspodApi } from '../classpod';
import { ClusterTreeProvider } from './cluster-tree';
import { GradebookPanels } from './gradebook-panel';
import { filterDescription, ProfessorCommands } from './professor-commands';
import { RegradeRequestCommands } from './regrade-request-commands';
import { RubricEditCommand } from './rubric-edit-command';
import { checkSimilarityCommand, SimilarityPanels } from './similarity-panel';
import { StudentWorkspacePty } from './student-workspace-terminal';
import { SubmissionFileSystem } from './submission-files';
import { HelpFollowing } from './help-follow';

/** The view's id in the manifest. */
export const CLUSTER_VIEW_ID = 'classpod.cluster';

/** What the professor side exposes to in-host tests. */
export interface ProfessorApi {
  /** The session while someone who teaches is signed in. */
  readonly session: ProfessorSession | undefined;
  readonly tree: ClusterTreeProvider;
  readonly view: vscode.TreeView<ClusterNode>;
  /** Terminals opened into students' workspaces, newest last. */
  readonly terminals: StudentWorkspacePty[];
  /** The open gradebooks. */
  readonly gradebooks: GradebookPanels;
  /** The open similarity checks. */
  readonly similarity: SimilarityPanels;
  /** Raised hands taken, followed and ended. */
  readonly help: HelpFollowing;
}

export function registerProfessorFeatures(context: vscode.ExtensionContext, api: ClasspodApi): ProfessorApi {
  const subs = context.subscriptions;
  const { logger } = api;
  let current: ProfessorSession | undefined;
  const terminals: StudentWorkspacePty[] = [];

  const tree = new ClusterTreeProvider(() => api.session.serverNow());
  const view = vscode.window.createTreeView<ClusterNode>(CLUSTER_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const files = new SubmissionFileSystem(() => current?.actions);
  subs.push(tree, view, files, vscode.workspace.registerFileSystemProvider(CLASSPOD_SCHEME, files, { isReadonly: true, isCaseSensitive: true }));

  /** Show a student's work on an assignment in the Cluster view, clearing a filter that hides it. */
  const reveal = async (courseId: string, assignmentId: string, studentId: string): Promise<void> => {
    const s = current;
    if (!s) throw new Error('Sign in to Classpod as a professor or assistant first.');
    let found = await s.model.rowOfWork(courseId, assignmentId, studentId);
    if ('hidden' in found) {
      await vscode.commands.executeCommand('classpod.professor.clearFilter');
      found = await s.model.rowOfWork(courseId, assignmentId, studentId);
      if ('hidden' in found) throw new Error(`${s.cache.studentName(courseId, studentId)} is not in the Cluster view`);
    }
    s.model.flushChanges();
    await view.reveal(found.row, { select: true, focus: true, expand: found.row.kind === 'submission' });
  };
  const gradebooks = new GradebookPanels({
    extensionUri: context.extensionUri,
    session: () => current,
    logger,
    reveal,
    exportGrades: (courseId) => vscode.commands.executeCommand('classpod.professor.exportGrades', { kind: 'course', id: nodeId.course(courseId), courseId }),
  });
  subs.push(gradebooks);
  const similarity = new SimilarityPanels({ extensionUri: context.extensionUri, session: () => current, logger });
  subs.push(similarity);

  const setStaff = (staff: boolean): void => void vscode.commands.executeCommand('setContext', 'classpod.staff', staff);
  let followed: string | undefined;
  const follow = (): void => {
    const account = api.session.account;
    const staff = account !== undefined && teachesAnyCourse(account.person);
    // The same person with the same roles on the same server keeps the tree as it is.
    const key = staff ? JSON.stringify([account.server.href, account.token, account.person.personId, account.person.courses]) : undefined;
    if (key !== undefined && key === followed) return;
    followed = key;
    current?.dispose();
    current = undefined;
    gradebooks.closeAll();
    similarity.closeAll();
    if (account && staff) {
      current = new ProfessorSession({ open: () => api.session.openPath(HUB_CONNECT_PATH, HUB_CAPABILITIES), logger });
      // The Courses view reads its own copy of the courses: what the staff changed there is read again.
      current.actions.onDidChangeCourse(({ courseId, what }) => {
        void (what === 'assignments' ? api.catalog.refreshCourse(courseId) : api.catalog.refresh()).catch((err: unknown) => logger.warn('could not read the courses again', { err, courseId }));
      });
      current.connection.onDidChangeState((s) => {
        view.message = s.kind === 'offline' ? `Offline: ${s.error.message}` : undefined;
      });
      logger.info('professor view on', { person: account.person.personId });
    }
    tree.setModel(current?.model);
    view.description = undefined;
    setStaff(current !== undefined);
    // Assignment rows offer what only professors do (Edit Rubric…) to a professor of any course; the hub refuses the rest.
    void vscode.commands.executeCommand('setContext', 'classpod.professor.teaches', current !== undefined && account !== undefined && (account.person.admin || account.person.courses.some((c) => c.role === 'professor')));
  };
  subs.push(api.session.onDidChange(() => follow()), { dispose: () => current?.dispose() });
  follow();

  const commands = new ProfessorCommands({
    session: () => current,
    logger,
    now: () => api.session.serverNow(),
    onFilter: (filter) => {
      view.description = filterDescription(filter);
      void vscode.commands.executeCommand('setContext', 'classpod.professor.filtered', view.description !== undefined);
    },
    documentChanged: (uri) => files.changed(uri),
    openTerminal: (connectPath, who) => {
      const pty = new StudentWorkspacePty((path, caps) => api.session.openPath(path, caps), connectPath, who, logger);
      terminals.push(pty);
      return vscode.window.createTerminal({ name: `Classpod: ${who}`, pty, iconPath: new vscode.ThemeIcon('vm-connect') });
    },
    openWorkspace: (connectPath) => api.session.openPath(connectPath, ['tests']),
    openGradebook: (courseId) => gradebooks.show(courseId),
  });
  for (const [id, run] of Object.entries(commands.all())) subs.push(vscode.commands.registerCommand(id, run as (...args: unknown[]) => unknown));
  const regradeRequests = new RegradeRequestCommands(() => current, logger);
  for (const [id, run] of Object.entries(regradeRequests.all())) subs.push(vscode.commands.registerCommand(id, run as (...args: unknown[]) => unknown));
  const rubricEdit = new RubricEditCommand(() => current, logger);
  for (const [id, run] of Object.entries(rubricEdit.all())) subs.push(vscode.commands.registerCommand(id, run as (...args: unknown[]) => unknown));
  subs.push(vscode.commands.registerCommand('classpod.professor.checkSimilarity', checkSimilarityCommand(similarity, () => current, logger)));

  const help = new HelpFollowing({
    session: () => current,
    openPath: (path, caps) => api.session.openPath(path, caps),
    openTerminal: (connectPath, who) => {
      const pty = new StudentWorkspacePty((path, caps) => api.session.openPath(path, caps), connectPath, who, logger);
      terminals.push(pty);
      return vscode.window.createTerminal({ name: `Classpod: ${who}`, pty, iconPath: new vscode.ThemeIcon('eye') });
    },
    logger,
  });
  const helpCommand =
    <A, R>(run: (a: A) => Promise<R>) =>
    (a: A): Promise<R | undefined> =>
      run(a).catch((err: Error) => {
        logger.warn('help command failed', { err });
        void vscode.window.showErrorMessage(err.message);
        return undefined;
      });
  subs.push(
    help,
    vscode.commands.registerCommand('classpod.professor.takeHelp', helpCommand((row?: { requestId: string }) => help.take(row))),
    vscode.commands.registerCommand('classpod.professor.followHelp', helpCommand((row?: { requestId: string }) => help.follow(row))),
    vscode.commands.registerCommand('classpod.professor.endHelp', helpCommand((row?: { requestId: string }) => help.end(row))),
  );

  return {
    get session() {
      return current;
    },
    tree,
    view,
    terminals,
    gradebooks,
    similarity,
    help,
  };
}
