// The assignment folders open in this window: each is kept in sync with the
// student's workspace while signed in; the status bar shows the sync state
// and lists the conflicts when clicked. Also opens a new assignment: choose
// or create its folder, fetch the starter files, sync, open the folder, and
// show the assignment's description there.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { FetchStarterRequest } from '@classpod/protocol';
import type { WorkspaceConnections } from '../connection/workspace-connections';
import {
  defaultAssignmentFolder,
  findAssignmentFolders,
  syncStateDir,
  writeStarterFiles,
  type AssignmentMarker,
} from '../courses/assignment-folder';
import type { CourseCatalog } from '../courses/course-catalog';
import { stateMayHaveChanged } from '../courses/state-refresh';
import { PendingDescription } from '../courses/pending-description';
import type { Logger } from '../log';
import type { StudentSession } from '../session/student-session';
import { AssignmentSync } from '../sync/assignment-sync';
import { describeSync, diskFullMessage, type SyncStatus } from '../sync/sync-status';
import { setContext } from './context-keys';

/** An assignment folder being synced. */
export interface ActiveAssignment {
  folder: string;
  marker: AssignmentMarker;
  sync: AssignmentSync;
}

/** What `classpod.openAssignment` accepts besides a tree node. */
export interface OpenAssignmentArgs {
  courseId: string;
  assignmentId: string;
  /** Skip the folder question. */
  folder?: string;
  /** false: sync in this window without opening the folder (tests). */
  openFolder?: boolean;
}

const severity: Record<SyncStatus['kind'], number> = { stopped: 0, synced: 1, syncing: 2, offline: 3, conflicts: 4, 'disk-full': 5 };

export class AssignmentFolders implements vscode.Disposable {
  private readonly active = new Map<string, ActiveAssignment>();
  private readonly item = vscode.window.createStatusBarItem('classpod.sync', vscode.StatusBarAlignment.Left, 49);
  private readonly changes = new vscode.EventEmitter<void>();
  /** Fires when folders start or stop syncing. */
  readonly onDidChange = this.changes.event;
  private scanning: Promise<void> = Promise.resolve();
  private readonly descriptions: PendingDescription;

  constructor(
    private readonly session: StudentSession,
    private readonly workspaces: WorkspaceConnections,
    private readonly catalog: CourseCatalog,
    private readonly storageRoot: string,
    private readonly logger: Logger,
  ) {
    this.descriptions = new PendingDescription(storageRoot);
    this.item.name = 'Classpod Sync';
    this.item.command = 'classpod.showConflicts';
  }

  /** Assignment folders syncing now. */
  list(): ActiveAssignment[] {
    return [...this.active.values()];
  }

  /** The active assignment `courseId/assignmentId`, if its folder is open here. */
  find(courseId: string, assignmentId: string): ActiveAssignment | undefined {
    return this.list().find((a) => a.marker.courseId === courseId && a.marker.id === assignmentId);
  }

  /** Keys `courseId/assignmentId` of the folders open here. */
  keys(): Set<string> {
    return new Set(this.list().map((a) => `${a.marker.courseId}/${a.marker.id}`));
  }

  /** Look for assignment folders in the window and sync them (when signed in). */
  rescan(): Promise<void> {
    this.scanning = this.scanning.then(async () => {
      const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      const found = await findAssignmentFolders(roots);
      void setContext('classpod.inAssignment', found.length > 0);
      if (found.length > 0) await this.showPendingDescription(found.map((f) => f.folder));
      if (!this.session.account) return;
      for (const { folder, marker } of found) {
        if (!this.active.has(folder)) await this.start(folder, marker).catch((err) => this.logger.warn('could not start syncing', { folder, err }));
      }
    });
    return this.scanning;
  }

  /** Start syncing `folder` with the assignment's folder in the workspace. */
  async start(folder: string, marker: AssignmentMarker): Promise<ActiveAssignment> {
    const existing = this.active.get(folder);
    if (existing) return existing;
    // Whether the assignment is done in a group decides which workspace the folder syncs with: ask the hub when it is not known yet.
    if (!this.catalog.find(marker.courseId, marker.id)) {
      await this.catalog.refreshCourse(marker.courseId).catch((err: Error) => this.logger.warn('could not read the assignment before syncing', { err }));
    }
    const again = this.active.get(folder);
    if (again) return again;
    const sync = await AssignmentSync.start({
      folder,
      remoteRoot: marker.slug ?? marker.id,
      stateDir: syncStateDir(this.storageRoot, folder),
      ignore: vscode.workspace.getConfiguration('classpod').get<string[]>('ignore') ?? [],
      // A group assignment's folder syncs with the group's shared workspace.
      connection: this.workspaces.get(marker.courseId, this.catalog.find(marker.courseId, marker.id)?.group?.connectPath),
      logger: this.logger.child({ assignment: `${marker.courseId}/${marker.id}` }),
    });
    const entry = { folder, marker, sync };
    this.active.set(folder, entry);
    // "not started" turns "in progress" at the hub once an edit reaches the workspace: read it again then.
    let reading = false;
    sync.onDidSync((report) => {
      if (reading || !stateMayHaveChanged(this.catalog.find(marker.courseId, marker.id)?.state, report.remoteChanges)) return;
      reading = true;
      void this.catalog
        .refreshCourse(marker.courseId)
        .catch((err: Error) => this.logger.warn('could not read the assignment state again', { err }))
        .finally(() => (reading = false));
    });
    sync.onDidChangeStatus((status) => {
      this.render();
      // Said once each time it starts (the status bar keeps saying it while it lasts).
      if (status.kind === 'disk-full') void vscode.window.showErrorMessage(diskFullMessage(status.files));
    });
    this.logger.info('syncing assignment folder', { folder, courseId: marker.courseId, assignmentId: marker.id });
    this.render();
    this.changes.fire();
    return entry;
  }

  /** Stop syncing one folder here. */
  async stop(folder: string): Promise<void> {
    const entry = this.active.get(folder);
    if (!entry) return;
    this.active.delete(folder);
    await entry.sync.close();
    this.render();
    this.changes.fire();
  }

  /** Stop every sync (sign out). Files stay where they are. */
  async stopAll(): Promise<void> {
    const all = this.list();
    this.active.clear();
    await Promise.all(all.map((a) => a.sync.close()));
    this.render();
    this.changes.fire();
  }

  /** `classpod.openAssignment`. Returns the local folder, or undefined when cancelled. */
  async open(target: OpenAssignmentArgs | undefined): Promise<string | undefined> {
    const chosen = target ?? (await this.pickAssignment());
    if (!chosen) return undefined;
    const { courseId, assignmentId } = chosen;
    const folder = chosen.folder ?? (await this.chooseFolder(courseId, assignmentId));
    if (!folder) return undefined;
    const title = this.catalog.find(courseId, assignmentId)?.title ?? assignmentId;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Opening ${title}` }, async (progress) => {
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(folder));
      progress.report({ message: 'fetching the starter files…' });
      const hub = await this.session.connection!.ready();
      const { files } = await hub.request(FetchStarterRequest.type, { courseId, assignmentId });
      const marker = { id: assignmentId, courseId, title };
      const active = await this.start(folder, marker);
      progress.report({ message: 'syncing with your workspace…' });
      try {
        // The workspace may already hold the student's work: bring it down first,
        // then add only the starter files that neither side has.
        await withTimeout(active.sync.syncNow(), 60_000);
      } catch (err) {
        this.logger.warn('first sync did not finish; starting from the starter files', { err });
      }
      const { written } = await writeStarterFiles(folder, files);
      if (written.length > 0) await withTimeout(active.sync.syncNow(), 60_000).catch((err) => this.logger.warn('starter files not synced yet', { err }));
      this.logger.info('assignment opened', { courseId, assignmentId, folder, starterFilesWritten: written.length });
    });
    const already = vscode.workspace.workspaceFolders?.some((f) => f.uri.fsPath === folder);
    // The assignment's description opens with it, in the window that opens the folder (not in tests that only sync).
    if (chosen.openFolder !== false) await this.descriptions.leave(folder).catch((err: Error) => this.logger.warn('could not note the description to show', { err }));
    if (chosen.openFolder !== false && !already) {
      // The window that opens the folder syncs it from now on; two sessions on
      // one folder would race each other into conflicts.
      await this.stop(folder);
      await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(folder), { forceNewWindow: false });
    } else if (chosen.openFolder !== false) await this.showPendingDescription([folder]);
    return folder;
  }

  /** Show the description an Open Assignment left for one of these folders, as a Markdown preview. */
  private async showPendingDescription(folders: readonly string[]): Promise<void> {
    const file = await this.descriptions.take(folders).catch(() => undefined);
    if (!file) return;
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file)).then(undefined, (err: Error) => this.logger.warn('could not show the description', { err }));
  }

  /** `classpod.showConflicts`: pick a conflict and compare the two versions. */
  async showConflicts(): Promise<void> {
    const items = this.list().flatMap((a) =>
      a.sync.conflicts.map((c) => ({
        label: c.original,
        description: c.copy,
        detail: path.basename(a.folder),
        folder: a.folder,
        conflict: c,
      })),
    );
    if (items.length === 0) {
      const offline = this.list().find((a) => a.sync.status.kind === 'offline');
      const message = offline
        ? 'Your workspace cannot be reached right now. Your edits are kept here and sync when it is back.'
        : 'No sync conflicts: your folder and your workspace agree.';
      const action = await vscode.window.showInformationMessage(message, 'Sync Now');
      if (action === 'Sync Now') await Promise.all(this.list().map((a) => a.sync.syncNow().catch((err) => this.logger.warn('sync failed', { err }))));
      return;
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Sync conflicts',
      placeHolder: 'Both sides changed these files; the other version was kept as a copy. Pick one to compare; delete the copy when resolved.',
    });
    if (!pick) return;
    await vscode.commands.executeCommand(
      'vscode.diff',
      vscode.Uri.file(path.join(pick.folder, pick.conflict.copy)),
      vscode.Uri.file(path.join(pick.folder, pick.conflict.original)),
      `${pick.conflict.original}: conflict copy ↔ current`,
    );
  }

  dispose(): void {
    void this.stopAll();
    this.item.dispose();
    this.changes.dispose();
  }

  private render(): void {
    const all = this.list();
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    const worst = all.reduce((a, b) => (severity[b.sync.status.kind] > severity[a.sync.status.kind] ? b : a));
    const total = all.reduce((n, a) => n + (a.sync.status.kind === 'conflicts' ? a.sync.status.count : 0), 0);
    const status: SyncStatus = worst.sync.status.kind === 'conflicts' ? { kind: 'conflicts', count: total } : worst.sync.status;
    const { text, tooltip } = describeSync(status, path.basename(worst.folder));
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      status.kind === 'conflicts'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : status.kind === 'disk-full'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : undefined;
    this.item.show();
  }

  private async pickAssignment(): Promise<OpenAssignmentArgs | undefined> {
    if (!this.catalog.isLoaded) await this.catalog.refresh().catch(() => undefined);
    const items = this.catalog.courses().flatMap((e) =>
      e.assignments.map((a) => ({ label: a.title, description: e.course.title, detail: a.state, courseId: a.courseId, assignmentId: a.id })),
    );
    if (items.length === 0) {
      void vscode.window.showInformationMessage('No assignments to open. Sign in, or ask your professor whether any is open yet.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'Open Assignment', placeHolder: 'Which assignment?' });
    return pick ? { courseId: pick.courseId, assignmentId: pick.assignmentId } : undefined;
  }

  private async chooseFolder(courseId: string, assignmentId: string): Promise<string | undefined> {
    const suggested = defaultAssignmentFolder(vscode.workspace.getConfiguration('classpod').get<string>('localRoot') ?? '', courseId, assignmentId);
    const pick = await vscode.window.showQuickPick(
      [
        { label: `$(folder) ${suggested}`, description: 'suggested', folder: suggested as string | undefined },
        { label: '$(folder-opened) Choose another folder…', folder: undefined },
      ],
      { title: 'Where should the assignment live on this machine?' },
    );
    if (!pick) return undefined;
    if (pick.folder) return pick.folder;
    const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use This Folder' });
    return uris?.[0]?.fsPath;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms))),
  ]);
}
