// "Classpod: Show Earlier Versions": a file of an assignment folder as the hub
// recorded it after each sync that changed it. A quick pick lists the file's
// distinct states (hub time, age, size); picking one opens a diff between that
// version (a read-only `classpod-version:` document) and the file now, with
// "Restore This Version". A restore goes through sync like any edit, and only
// once the file's current content is itself a version at the hub, so nothing
// is lost: the restored content is written to the local file, sync takes it to
// the workspace, and the hub records it as the newest version.
//
// VS Code's Timeline view would be the natural place, but its provider API
// (`registerTimelineProvider`) is still a proposed API in VS Code 1.100, which a
// published extension cannot use; a command and a diff work everywhere.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../log';
import { NotRecorded, waitUntilRecorded } from '../versions/recorded-before-restore';
import { fileHistory, type FileVersion } from '../versions/version-changes';
import { diffTitle, fileVersionItems, versionTime } from '../versions/version-presentation';
import type { VersionReader } from '../versions/version-reader';
import { parseVersionDocumentPath, VERSION_SCHEME, versionDocumentPath, type VersionDocument } from '../versions/version-uri';
import type { ActiveAssignment, AssignmentFolders } from './assignment-folders';

/** Versions looked at for a file's history. */
const HISTORY_VERSIONS = 100;
/** How long a restore waits for the file's current content to be recorded at the hub (ms). */
const RECORD_WAIT_MS = 60_000;
/** How long one sync cycle is waited for before looking at the hub again (ms). */
const SYNC_WAIT_MS = 10_000;

/** The URI of a version's file (or of an empty file). */
export function versionUri(doc: VersionDocument): vscode.Uri {
  return vscode.Uri.from({ scheme: VERSION_SCHEME, path: versionDocumentPath(doc) });
}

/** Read-only documents of recorded versions, for students and professors alike (the hub decides who reads what). */
export class VersionDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly reader: () => VersionReader) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const doc = parseVersionDocumentPath(uri.path);
    if (doc.kind === 'empty') return '';
    return Buffer.from(await this.reader().read(doc.versionId, doc.path)).toString('utf8');
  }
}

/** A version of a file shown beside the file now. */
export interface VersionDiff {
  versionId: string;
  /** Path relative to the assignment folder, `/` separators. */
  path: string;
  /** The local file. */
  file: vscode.Uri;
  recordedAt: string;
}

/** What the picker offered and what was opened (tests read it). */
export interface ShownVersions {
  file: string;
  history: FileVersion[];
  opened?: VersionDiff;
}

export class EarlierVersions implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  /** The version diffs opened, by the version URI they show. */
  private readonly diffs = new Map<string, VersionDiff>();

  constructor(
    private readonly folders: AssignmentFolders,
    private readonly reader: () => VersionReader,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {
    const follow = (): void => void vscode.commands.executeCommand('setContext', 'classpod.versionDiff', this.activeDiff() !== undefined);
    this.subs.push(vscode.window.tabGroups.onDidChangeTabs(follow), vscode.window.onDidChangeActiveTextEditor(follow));
  }

  /**
   * `classpod.showEarlierVersions`: the file's versions in a quick pick, then
   * a diff of the one picked against the file now. `pick` chooses without asking (tests).
   */
  async show(target?: vscode.Uri, pick?: (items: FileVersion[]) => FileVersion | undefined): Promise<ShownVersions | undefined> {
    const file = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!file || file.scheme !== 'file') throw new Error('Open a file of an assignment folder to see its earlier versions.');
    const { active, rel } = this.locate(file);
    const now = new Date(this.now());
    const history = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Earlier versions of ${rel}` }, async () => {
      const reader = this.reader();
      const versions = await reader.list({ courseId: active.marker.courseId, assignmentId: active.marker.id }, HISTORY_VERSIONS);
      const complete = versions.length < HISTORY_VERSIONS;
      return fileHistory(await reader.withFiles(versions), rel, await sha256Of(file.fsPath), complete);
    });
    const shown: ShownVersions = { file: rel, history };
    if (history.length === 0) {
      void vscode.window.showInformationMessage(`The hub has no earlier version of ${rel} yet. A version is recorded each time your folder syncs with a change.`);
      return shown;
    }
    let chosen: FileVersion | undefined;
    if (pick) chosen = pick(history);
    else {
      const items = fileVersionItems(history, now).map((item, i) => ({ ...item, entry: history[i]! }));
      chosen = (
        await vscode.window.showQuickPick(items, {
          title: `Earlier versions of ${rel}`,
          placeHolder: 'Pick a version to compare with your file now (times are the course server’s)',
          matchOnDescription: true,
        })
      )?.entry;
    }
    if (!chosen) return shown;
    shown.opened = await this.openDiff({ versionId: chosen.version.id, path: rel, file, recordedAt: chosen.version.recordedAt });
    return shown;
  }

  /** Open the diff of a version of a file against the file now, and offer the restore. */
  async openDiff(diff: VersionDiff): Promise<VersionDiff> {
    const left = versionUri({ kind: 'version', versionId: diff.versionId, path: diff.path });
    this.diffs.set(left.toString(), diff);
    const now = new Date(this.now());
    await vscode.commands.executeCommand('vscode.diff', left, diff.file, diffTitle(diff.path, diff, 'now', now), { preview: true });
    void vscode.window
      .showInformationMessage(`Left: ${diff.path} as it was at ${versionTime(diff.recordedAt, now)}. Right: your file now.`, 'Restore This Version')
      .then((choice) => {
        if (choice) void this.restore(diff).catch((err: Error) => void vscode.window.showErrorMessage(err.message));
      });
    return diff;
  }

  /**
   * `classpod.restoreVersion`: put a version's content back into the local
   * file, after asking. Resolves to true when restored. `confirmed` skips the question (tests).
   */
  async restore(target?: VersionDiff, confirmed = false): Promise<boolean> {
    const diff = target ?? this.activeDiff();
    if (!diff) throw new Error('Open an earlier version first ("Classpod: Show Earlier Versions").');
    const { active, rel } = this.locate(diff.file);
    const when = versionTime(diff.recordedAt, new Date(this.now()));
    if (!confirmed) {
      const answer = await vscode.window.showWarningMessage(
        `Restore ${rel} as it was at ${when}?`,
        { modal: true, detail: 'Your file’s current content is kept as a version first, so you can come back to it.' },
        'Restore',
      );
      if (answer !== 'Restore') return false;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === diff.file.toString());
    if (open?.isDirty) await open.save();
    const reader = this.reader();
    const content = await reader.read(diff.versionId, diff.path);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Restoring ${rel}` }, async (progress) => {
      progress.report({ message: 'keeping your current content as a version…' });
      await this.waitUntilRecorded(active, rel, diff.file);
      progress.report({ message: `writing the version of ${when}…` });
      await vscode.workspace.fs.writeFile(diff.file, content);
      await this.syncSoon(active);
    });
    this.logger.info('version restored', { courseId: active.marker.courseId, assignmentId: active.marker.id, path: rel, versionId: diff.versionId });
    void vscode.window.showInformationMessage(`Restored ${rel} as it was at ${when}. Its content before the restore is kept among its earlier versions.`);
    return true;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }

  /** The version diff in the active tab, if one is. */
  private activeDiff(): VersionDiff | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (!(input instanceof vscode.TabInputTextDiff) || input.original.scheme !== VERSION_SCHEME) return undefined;
    return this.diffs.get(input.original.toString());
  }

  /** The assignment folder syncing `file`, and the file's path inside it. */
  private locate(file: vscode.Uri): { active: ActiveAssignment; rel: string } {
    for (const active of this.folders.list()) {
      const rel = path.relative(active.folder, file.fsPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return { active, rel: rel.split(path.sep).join('/') };
    }
    throw new Error(`${path.basename(file.fsPath)} is not in an assignment folder that syncs in this window.`);
  }

  /** Wait until the hub's newest version holds the file as it is on disk now, syncing (and resuming a paused workspace) while it does not. */
  private async waitUntilRecorded(active: ActiveAssignment, rel: string, file: vscode.Uri): Promise<void> {
    const reader = this.reader();
    try {
      await waitUntilRecorded(
        rel,
        await sha256Of(file.fsPath),
        {
          newestFiles: async () => {
            const [newest] = await reader.list({ courseId: active.marker.courseId, assignmentId: active.marker.id }, 1);
            return newest ? reader.files(newest.id) : undefined;
          },
          sync: () => this.syncSoon(active),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          now: () => Date.now(),
        },
        { timeoutMs: RECORD_WAIT_MS, pollMs: 500 },
      );
    } catch (err) {
      if (err instanceof NotRecorded) throw new Error(`${err.message} (sync: ${active.sync.status.kind}) Try again once the status bar says synced.`);
      throw err;
    }
  }

  /** One sync cycle, waiting at most a few seconds; a workspace the hub paused is resumed first (a restore is a person at work). */
  private async syncSoon(active: ActiveAssignment): Promise<void> {
    const connection = active.sync.options.connection;
    const s = connection.state;
    if (s.kind === 'offline' && s.error.problem === 'paused') connection.retryNow();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      active.sync.syncNow().catch((err: unknown) => this.logger.warn('sync around a restore failed', { err })),
      new Promise((r) => (timer = setTimeout(r, SYNC_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }
}

async function sha256Of(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await fs.readFile(file)).digest('hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
