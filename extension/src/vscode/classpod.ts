// The composition root: creates the session, the catalog and every VS Code
// part, registers commands, views and providers, and pushes each onto the
// extension context so VS Code disposes them. Returns a small API that the
// in-host tests (and the professor side) use.

import * as vscode from 'vscode';
import { CourseCatalog } from '../courses/course-catalog';
import type { Logger } from '../log';
import { StudentSession } from '../session/student-session';
import { setContext } from './context-keys';
import { CoursesTreeProvider, type CoursesTreeNode } from './courses-tree';
import { DeadlineStatus } from './deadline-status';
import { createOutput } from './output';
import { SignInCommands, type SignInArgs } from './sign-in';

/** What `activate` returns: the parts, for tests and for the professor side. */
export interface ClasspodApi {
  session: StudentSession;
  catalog: CourseCatalog;
  logger: Logger;
  /** Run a command's logic directly (tests). */
  commands: {
    signIn(args?: SignInArgs): Promise<boolean>;
    signOut(): Promise<void>;
    refresh(): Promise<void>;
  };
}

export function createClasspod(context: vscode.ExtensionContext): ClasspodApi {
  const subs = context.subscriptions;
  const { channel, logger } = createOutput();
  subs.push(channel);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  logger.info('activating', { version, vscode: vscode.version });

  const session = new StudentSession({ secrets: context.secrets, logger, clientVersion: version });
  subs.push(session);
  const catalog = new CourseCatalog(
    () => session.connection?.ready() ?? Promise.reject(new Error('You are not signed in. Run "Classpod: Sign In" first.')),
    (iso) => session.observeServerTime(iso),
  );
  subs.push(catalog);

  const openAssignments = new Set<string>();
  const tree = new CoursesTreeProvider(catalog, () => session.serverNow(), () => openAssignments);
  const view = vscode.window.createTreeView<CoursesTreeNode>('classpod.courses', { treeDataProvider: tree, showCollapseAll: true });
  subs.push(tree, view);
  // Keep relative due times true without redrawing every second.
  const redraw = setInterval(() => tree.refresh(), 60_000);
  subs.push({ dispose: () => clearInterval(redraw) });

  subs.push(new DeadlineStatus(catalog, () => session.serverNow() - Date.now()));

  const refresh = async (): Promise<void> => {
    if (!session.account) return;
    try {
      await catalog.refresh();
      view.message = undefined;
    } catch (err) {
      view.message = `Could not load your courses: ${(err as Error).message}`;
      logger.warn('refresh failed', { err });
    }
  };

  session.onDidChange((account) => {
    void setContext('classpod.signedIn', account !== undefined);
    if (!account) {
      catalog.clear();
      view.message = undefined;
      return;
    }
    view.title = 'Courses';
    view.description = account.person.name;
    session.connection?.onDidChangeState((s) => {
      if (s.kind === 'offline') {
        view.message = s.error.retryable
          ? `Offline: ${s.error.message}${s.retryInMs ? ` Retrying in ${Math.ceil(s.retryInMs / 1000)} s.` : ''}`
          : s.error.message;
      } else if (s.kind === 'online') {
        view.message = undefined;
      }
    });
    session.connection?.onDidConnect(() => void refresh());
  });

  const signIn = new SignInCommands(session, logger);
  subs.push(
    vscode.commands.registerCommand('classpod.signIn', (args?: SignInArgs) => signIn.signIn(args)),
    vscode.commands.registerCommand('classpod.signOut', () => signIn.signOut()),
    vscode.commands.registerCommand('classpod.refresh', () => {
      session.connection?.retryNow();
      return refresh();
    }),
    vscode.commands.registerCommand('classpod.showLog', () => channel.show(true)),
  );

  void setContext('classpod.signedIn', false);
  void signIn.restore();

  return {
    session,
    catalog,
    logger,
    commands: {
      signIn: (args) => signIn.signIn(args),
      signOut: () => signIn.signOut(),
      refresh,
    },
  };
}
