// The composition root: creates the session, the catalog and every VS Code
// part, registers commands, views and providers, and pushes each onto the
// extension context so VS Code disposes them. Returns a small API that the
// in-host tests (and the professor side) use.

import * as vscode from 'vscode';
import { joinCourse } from './join-course';
import { GetResultRequest, type GradingResult } from '@classpod/protocol';
import { WorkspaceConnections } from '../connection/workspace-connections';
import { CourseCatalog } from '../courses/course-catalog';
import { handsInWork } from '../courses/assignment-presentation';
import type { Logger } from '../log';
import { HubEvents } from '../session/hub-events';
import { StudentSession } from '../session/student-session';
import { gradedMessage } from '../submissions/receipt';
import { SubmissionClient } from '../submissions/submission-client';
import type { RerunOutcome } from '../testing/grader-rerun';
import { LocalTestRunner, ServerTestRunner, WorkspaceTestRunner, type RunnerKind, type TestRunner } from '../testing/test-runners';
import { resultReport } from '../results/result-report';
import { resultExtras } from '../results/result-extras';
import { AssignmentFolders, type OpenAssignmentArgs } from './assignment-folders';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, ClasspodAuthenticationProvider } from './auth-provider';
import { setContext } from './context-keys';
import { CoursesTreeProvider, type CoursesTreeNode } from './courses-tree';
import { DeadlineStatus } from './deadline-status';
import { createOutput } from './output';
import { SignInCommands, type SignInArgs } from './sign-in';
import { SubmitCommand, type SubmitArgs } from './submit';
import { rerunCommand, type RerunArgs, type RerunDeps } from './rerun-like-grader';
import { ClasspodTesting, type RecordedRun } from './testing';
import { UniversitySignIn } from './university-sign-in';
import { EarlierVersions, VersionDocuments, type ShownVersions, type VersionDiff } from './earlier-versions';
import { VersionReader } from '../versions/version-reader';
import { VERSION_SCHEME } from '../versions/version-uri';
import { requesterFor } from '../professor/hub-requester';
import type { FileVersion } from '../versions/version-changes';
import { WorkspaceTerminals } from './workspace-terminal';
import { regradeAnsweredNotice, regradeReportLines, StudentRegradeRequests } from '../courses/regrade-requests';
import { RequestRegradeCommand, type RequestRegradeArgs } from './request-regrade';
import { Walkthrough } from './walkthrough';
import { HandRaising, type RaiseHandTarget } from './raise-hand';

/** What `activate` returns: the parts, for tests and for the professor side. */
export interface ClasspodApi {
  session: StudentSession;
  catalog: CourseCatalog;
  folders: AssignmentFolders;
  terminals: WorkspaceTerminals;
  workspaces: WorkspaceConnections;
  /** Reads recorded versions from the hub (both sides use it). */
  versions: VersionReader;
  logger: Logger;
  /** The signed-in person's own hub connection, once it is open. */
  hub(): Promise<import('@classpod/protocol').RpcEndpoint>;
  /** Score notifications shown to the student, oldest first (tests read them). */
  scoreNotices: string[];
  /** The student's regrade requests, as the Classpod view shows them. */
  regradeRequests: StudentRegradeRequests;
  /** Notifications of answered regrade requests, oldest first (tests read them). */
  regradeNotices: string[];
  /** The student's raised hands, their status line and the notices of a helper viewing the terminal. */
  help: HandRaising;
  /** Run a command's logic directly (tests). */
  commands: {
    signIn(args?: SignInArgs): Promise<boolean>;
    signOut(): Promise<void>;
    refresh(): Promise<void>;
    openAssignment(args?: OpenAssignmentArgs): Promise<string | undefined>;
    submit(args?: SubmitArgs): ReturnType<SubmitCommand['submit']>;
    runTests(kind: RunnerKind): Promise<RecordedRun | undefined>;
    /** Show Results of an assignment (its submission that counts); resolves with what was shown. */
    showResults(target: { courseId: string; assignmentId: string }): Promise<ShownResults | undefined>;
    /** Rerun a graded public test in the workspace and compare it with the grader's verdict. */
    rerunLikeGrader(target: { courseId: string; assignmentId: string; group: string; name: string }): Promise<RerunOutcome | undefined>;
    /** Show Earlier Versions of a file; `pick` chooses the version without a quick pick. */
    showEarlierVersions(file: vscode.Uri, pick?: (items: FileVersion[]) => FileVersion | undefined): Promise<ShownVersions | undefined>;
    /** Restore a version shown in a diff, without asking. */
    restoreVersion(diff: VersionDiff): Promise<boolean>;
    /** Request a regrade; with `message` without asking. */
    requestRegrade(args: RequestRegradeArgs): Promise<import('@classpod/protocol').RegradeRequestInfo | undefined>;
  };
}

/** What Show Results printed, and the result it printed. */
export interface ShownResults {
  result: GradingResult;
  lines: string[];
}

/** A tree node or plain ids, as commands receive them. */
type Target = CoursesTreeNode | { courseId?: string; assignmentId?: string } | undefined;

function idsOf(target: Target): { courseId?: string; assignmentId?: string } {
  if (!target) return {};
  if ('kind' in target) {
    return target.kind === 'course' ? { courseId: target.course.id } : { courseId: target.assignment.courseId, assignmentId: target.assignment.id };
  }
  return target;
}

export function createClasspod(context: vscode.ExtensionContext): ClasspodApi {
  const subs = context.subscriptions;
  const { channel, logger } = createOutput();
  subs.push(channel);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  logger.info('activating', { version, vscode: vscode.version });

  const session = new StudentSession({ secrets: context.secrets, logger, clientVersion: version });
  const hubReady = (): Promise<import('@classpod/protocol').RpcEndpoint> =>
    session.connection?.ready() ?? Promise.reject(new Error('You are not signed in. Run "Classpod: Sign In" first.'));
  const catalog = new CourseCatalog(hubReady, (iso) => session.observeServerTime(iso));
  const workspaces = new WorkspaceConnections(session, logger);
  const folders = new AssignmentFolders(session, workspaces, catalog, context.globalStorageUri.fsPath, logger);
  subs.push(session, catalog, workspaces, folders);

  const regradeRequests = new StudentRegradeRequests(requesterFor(hubReady));
  const regradeNotices: string[] = [];
  subs.push(regradeRequests);
  const tree = new CoursesTreeProvider(catalog, () => session.serverNow(), () => folders.keys(), regradeRequests);
  const view = vscode.window.createTreeView<CoursesTreeNode>('classpod.courses', { treeDataProvider: tree, showCollapseAll: true });
  subs.push(tree, view, folders.onDidChange(() => tree.refresh()));
  subs.push(new DeadlineStatus(catalog, () => session.serverNow() - Date.now()));

  const scoreNotices: string[] = [];
  // Events and submissions follow the current hub connection.
  let events: HubEvents | undefined;
  let submissions: SubmissionClient | undefined;
  const submissionClient = (): SubmissionClient => {
    if (!submissions) throw new Error('You are not signed in. Run "Classpod: Sign In" first.');
    return submissions;
  };
  const submitCommand = new SubmitCommand(
    session,
    catalog,
    folders,
    {
      submit: (c, a) => submissionClient().submit(c, a),
      waitForResult: (id, signal) => submissionClient().waitForResult(id, signal),
    },
    logger,
  );

  const runners: TestRunner[] = [
    new LocalTestRunner(),
    new WorkspaceTestRunner(
      // A group assignment's tests run in the group's workspace, where its folder is.
      (courseId, r) => workspaces.get(courseId, catalog.find(courseId, r.assignmentId)?.group?.connectPath),
      (r) => folders.find(r.courseId, r.assignmentId)?.marker.slug ?? r.assignmentId,
      async (r) => {
        await folders.find(r.courseId, r.assignmentId)?.sync.syncNow();
      },
    ),
    new ServerTestRunner(
      { submit: (c, a) => submissionClient().submit(c, a), waitForResult: (id, s) => submissionClient().waitForResult(id, s) },
      async (r) => {
        const a = catalog.find(r.courseId, r.assignmentId);
        if (!a) return false;
        const ok = await submitCommand.confirm(a);
        return ok && (await submitCommand.flush(a));
      },
      (r, receipt) => submitCommand.showReceipt(catalog.find(r.courseId, r.assignmentId)?.title ?? r.assignmentId, receipt),
    ),
  ];
  // One reader per connection: a new sign-in may be another person.
  let versionReader = new VersionReader(requesterFor(hubReady));
  session.onDidChange(() => (versionReader = new VersionReader(requesterFor(hubReady))));
  const earlier = new EarlierVersions(folders, () => versionReader, () => session.serverNow(), logger);
  subs.push(earlier, vscode.workspace.registerTextDocumentContentProvider(VERSION_SCHEME, new VersionDocuments(() => versionReader)));
  const walkthrough = new Walkthrough(context.extension.id, logger);
  const testing = new ClasspodTesting(folders, runners, logger, walkthrough);
  const terminals = new WorkspaceTerminals(workspaces, catalog, folders, logger);
  subs.push(testing, terminals);
  const help = new HandRaising(session, hubReady, catalog, (id) => testing.lastFailures.get(id), logger);
  subs.push(help);

  const refresh = async (): Promise<void> => {
    if (!session.account) return;
    try {
      await catalog.refresh();
      view.message = undefined;
      // Each course's regrade requests, for the rows that show them (a failure leaves the rows without them).
      for (const c of catalog.courses()) if (handsInWork(c.course.role)) void regradeRequests.load(c.course.id).catch((err) => logger.warn('could not read regrade requests', { err }));
    } catch (err) {
      view.message = `Could not load your courses: ${(err as Error).message}`;
      logger.warn('refresh failed', { err });
    }
  };

  const showResults = async (submissionId: string, title: string): Promise<ShownResults> => {
    const hub = await hubReady();
    const { result } = await hub.request(GetResultRequest.type, { submissionId });
    const extras = await resultExtras((type, params) => hub.request(type, params), submissionId, (what, err) => logger.warn(`could not read the ${what} of ${submissionId}`, { err }));
    const lines = [...resultReport(title, result, extras), ...regradeReportLines(regradeRequests.ofSubmission(submissionId))];
    for (const line of lines) channel.appendLine(line);
    channel.show(true);
    return { result, lines };
  };
  /** Show Results of an assignment: its submission that counts. */
  const showAssignmentResults = async (target?: Target): Promise<ShownResults | undefined> => {
    const ids = idsOf(target);
    let a = ids.courseId && ids.assignmentId ? catalog.find(ids.courseId, ids.assignmentId) : undefined;
    if (!a && !target) {
      const submitted = catalog.courses().flatMap((c) => (handsInWork(c.course.role) ? c.assignments.filter((x) => x.latestSubmissionId) : []));
      const open = folders.list().map((f) => catalog.find(f.marker.courseId, f.marker.id)).find((x) => x?.latestSubmissionId);
      const picked = open ?? (submitted.length === 1 ? submitted[0] : undefined);
      a =
        picked ??
        (
          await vscode.window.showQuickPick(
            submitted.map((x) => ({ label: x.title, description: x.courseId, assignment: x })),
            { title: 'Show Results', placeHolder: 'Which assignment?' },
          )
        )?.assignment;
      if (!a) return undefined;
    }
    if (!a) throw new Error('Choose an assignment in the Classpod view to show its results.');
    if (!a.latestSubmissionId) throw new Error(`You have not submitted “${a.title}” yet.`);
    return showResults(a.latestSubmissionId, a.title);
  };

  session.onDidChange((account) => {
    void setContext('classpod.signedIn', account !== undefined);
    if (account) walkthrough.done('signIn');
    events?.dispose();
    events = undefined;
    submissions = undefined;
    if (!account) {
      catalog.clear();
      regradeRequests.clear();
      workspaces.closeAll();
      void folders.stopAll();
      view.message = undefined;
      view.description = undefined;
      return;
    }
    view.description = account.person.name;
    const connection = session.connection!;
    events = new HubEvents(connection);
    submissions = new SubmissionClient(hubReady, events);
    events.onScoreChanged((e) => {
      // An earlier submission's regrade or override is history, not the student's score: nothing to announce.
      if (e.studentId !== account.person.personId || !e.counts) return;
      void catalog.refreshCourse(e.courseId).catch(() => undefined);
      const title = catalog.find(e.courseId, e.assignmentId)?.title ?? e.assignmentId;
      const notice = gradedMessage(title, e);
      scoreNotices.push(notice);
      void vscode.window.showInformationMessage(notice, 'Show Results').then((c) => {
        if (c) void showResults(e.submissionId, title).catch((err) => logger.warn('could not read results', { err }));
      });
    });
    events.onRegradeRequestChanged(({ request }) => {
      if (request.studentId !== account.person.personId) return;
      regradeRequests.apply(request);
      if (request.state !== 'answered') return;
      const notice = regradeAnsweredNotice(request, catalog.find(request.courseId, request.assignmentId)?.title ?? request.assignmentId);
      regradeNotices.push(notice);
      void vscode.window.showInformationMessage(notice);
    });
    events.onDidReconnect(() => void refresh());
    connection.onDidChangeState((s) => {
      if (s.kind === 'offline') {
        view.message = s.error.retryable
          ? `Offline: ${s.error.message}${s.retryInMs ? ` Retrying in ${Math.ceil(s.retryInMs / 1000)} s.` : ''}`
          : s.error.message;
      } else if (s.kind === 'online') {
        view.message = undefined;
      }
    });
    void refresh();
    void folders.rescan();
  });

  const requestRegrade = new RequestRegradeCommand(catalog, regradeRequests, hubReady);
  const rerunDeps: RerunDeps = { hub: hubReady, catalog, folders, workspaces, testing, channel, logger };
  const university = new UniversitySignIn(session, logger, context.extension.id);
  const signIn = new SignInCommands(session, logger, university);
  // The account in the Accounts menu: a personal token and a browser sign-in alike.
  const auth = new ClasspodAuthenticationProvider(session, () => signIn.signIn(), () => signIn.signOut());
  subs.push(
    university,
    auth,
    vscode.window.registerUriHandler(university),
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, auth, { supportsMultipleAccounts: false }),
    session.onDidEnd((failure) => {
      void vscode.window.showWarningMessage(`Your Classpod sign-in has ended: ${failure.message}`, 'Sign In Again').then((c) => (c ? signIn.signIn() : undefined));
    }),
  );
  const openAssignment = (target?: Target | OpenAssignmentArgs): Promise<string | undefined> => {
    if (target && !('kind' in target) && 'courseId' in target && 'assignmentId' in target && target.courseId && target.assignmentId) {
      return folders.open(target as OpenAssignmentArgs);
    }
    const ids = idsOf(target as Target);
    return folders.open(ids.courseId && ids.assignmentId ? { courseId: ids.courseId, assignmentId: ids.assignmentId } : undefined);
  };
  const submit = (target?: Target | SubmitArgs): ReturnType<SubmitCommand['submit']> => {
    if (target && 'kind' in target) return submitCommand.submit(idsOf(target));
    return submitCommand.submit(target as SubmitArgs | undefined);
  };
  const report = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((err: Error) => {
      logger.warn('command failed', { err });
      void vscode.window.showErrorMessage(err.message);
      return undefined;
    });
  subs.push(
    vscode.commands.registerCommand('classpod.signIn', (args?: SignInArgs) => signIn.signIn(args)),
    vscode.commands.registerCommand('classpod.signOut', () => signIn.signOut()),
    vscode.commands.registerCommand('classpod.joinCourse', (args?: { code: string }) => report(joinCourse(hubReady, refresh, args))),
    vscode.commands.registerCommand('classpod.refresh', () => {
      session.connection?.retryNow();
      return refresh();
    }),
    vscode.commands.registerCommand('classpod.openAssignment', (t?: Target) => report(walkthrough.after('openAssignment', openAssignment(t)))),
    vscode.commands.registerCommand('classpod.openTerminal', (t?: Target) => report(walkthrough.after('terminal', terminals.open(idsOf(t))))),
    vscode.commands.registerCommand('classpod.submit', (t?: Target | SubmitArgs) => report(walkthrough.after('submit', submit(t)))),
    vscode.commands.registerCommand('classpod.showResults', (t?: Target) => report(showAssignmentResults(t))),
    vscode.commands.registerCommand('classpod.requestRegrade', (t?: Target | RequestRegradeArgs) => report(requestRegrade.run(t && 'kind' in t ? idsOf(t) : t))),
    vscode.commands.registerCommand('classpod.rerunLikeGrader', (a?: RerunArgs) => report(rerunCommand(rerunDeps, a))),
    vscode.commands.registerCommand('classpod.showConflicts', () => folders.showConflicts()),
    vscode.commands.registerCommand('classpod.showEarlierVersions', (uri?: vscode.Uri) => report(earlier.show(uri instanceof vscode.Uri ? uri : undefined))),
    vscode.commands.registerCommand('classpod.restoreVersion', () => report(earlier.restore())),
    vscode.commands.registerCommand('classpod.showLog', () => channel.show(true)),
    vscode.commands.registerCommand('classpod.raiseHand', (t?: RaiseHandTarget) => report(help.raise(t))),
    vscode.commands.registerCommand('classpod.lowerHand', () => report(help.lower())),
    vscode.commands.registerCommand('classpod.endHelpSession', () => report(help.end())),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void folders.rescan()),
  );

  void setContext('classpod.signedIn', false);
  void folders.rescan();
  void signIn.restore().then(() => {
    // Not signed in: the Accounts menu offers "Sign in with Classpod".
    if (!session.account) void vscode.authentication.getSession(AUTH_PROVIDER_ID, [], { createIfNone: false }).then(undefined, () => undefined);
  });

  return {
    session,
    catalog,
    folders,
    terminals,
    workspaces,
    get versions() {
      return versionReader;
    },
    logger,
    hub: hubReady,
    scoreNotices,
    regradeRequests,
    regradeNotices,
    help,
    commands: {
      signIn: (args) => signIn.signIn(args),
      signOut: () => signIn.signOut(),
      refresh,
      openAssignment: (args) => openAssignment(args),
      submit: (args) => submit(args),
      runTests: (kind) => testing.runAll(kind, runners),
      showResults: (target) => showAssignmentResults(target),
      rerunLikeGrader: (target) => rerunCommand(rerunDeps, target),
      showEarlierVersions: (file, pick) => earlier.show(file, pick),
      restoreVersion: (diff) => earlier.restore(diff, true),
      requestRegrade: (args) => requestRegrade.run(args),
    },
  };
}
