// Following a raised hand, for staff: Take, Follow (the student's live files
// open read-only on the `classpod-live:` scheme and their terminal opens, the
// student told on their screen) and End Help, from the Help Queue rows of the
// Cluster view. The queue and the reads are plain logic
// (professor/help-queue.ts, professor/live-files.ts); this file is the VS Code
// side of them.

import * as vscode from 'vscode';
import { EndHelpRequest, FollowHelpRequest, TakeHelpRequest, type HelpRequest, type RpcEndpoint } from '@classpod/protocol';
import type { Logger } from '@classpod/observability';
import type { ClusterNode } from '../../professor/cluster-nodes';
import { requesterFor } from '../../professor/hub-requester';
import { filesToOpen, LIVE_SCHEME, livePath, LiveWorkspaces, parseLivePath } from '../../professor/live-files';
import type { ProfessorSession } from '../../professor/professor-session';

type RequestRow = Extract<ClusterNode, { kind: 'helpRequest' }>;

/** What a follow did (in-host tests read it). */
export interface Followed {
  request: HelpRequest;
  /** The live files opened, as URIs. */
  opened: string[];
  terminal: vscode.Terminal;
}

/** The read-only file system of followed workspaces. */
class LiveFileSystem implements vscode.FileSystemProvider {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  constructor(private readonly live: LiveWorkspaces) {}
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const s = await this.live.stat(parseLivePath(uri.path)).catch((err: Error) => {
      throw vscode.FileSystemError.FileNotFound(`${uri.path}: ${err.message}`);
    });
    const type = s.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File;
    return { type, ctime: s.mtimeMs, mtime: s.mtimeMs, size: s.size, permissions: vscode.FilePermission.Readonly };
  }
  async readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    return (await this.live.list(parseLivePath(uri.path))).map((e) => [e.name, e.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File]);
  }
  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.live.read(parseLivePath(uri.path));
  }
  private readOnly(): never {
    throw vscode.FileSystemError.NoPermissions("A student's workspace is read-only for you: help them say what to change.");
  }
  createDirectory(): void {
    this.readOnly();
  }
  writeFile(): void {
    this.readOnly();
  }
  delete(): void {
    this.readOnly();
  }
  rename(): void {
    this.readOnly();
  }
  dispose(): void {
    this.changes.dispose();
  }
}

export class HelpFollowing implements vscode.Disposable {
  private readonly live: LiveWorkspaces;
  private readonly disposables: vscode.Disposable[] = [];
  /** The terminal of each followed request. */
  private readonly terminals = new Map<string, vscode.Terminal>();
  /** Follows done, newest last (tests). */
  readonly followed: Followed[] = [];

  constructor(
    private readonly d: {
      session: () => ProfessorSession | undefined;
      openPath: (path: string, capabilities: string[]) => Promise<{ endpoint: RpcEndpoint }>;
      openTerminal: (connectPath: string, who: string) => vscode.Terminal;
      logger: Logger;
    },
  ) {
    this.live = new LiveWorkspaces(async (connectPath) => (await d.openPath(connectPath, ['files'])).endpoint);
    const fs = new LiveFileSystem(this.live);
    this.disposables.push(fs, vscode.workspace.registerFileSystemProvider(LIVE_SCHEME, fs, { isReadonly: true, isCaseSensitive: true }));
    this.disposables.push(
      vscode.window.onDidCloseTerminal((t) => {
        for (const [id, term] of this.terminals) if (term === t) this.terminals.delete(id);
      }),
    );
  }

  private request() {
    const s = this.d.session();
    if (!s) throw new Error('Sign in to Classpod as a professor or assistant first.');
    return { session: s, request: requesterFor(() => s.connection.ready()) };
  }

  private requestId(row: RequestRow | { requestId: string } | undefined): string {
    if (!row?.requestId) throw new Error('Choose a raised hand in the Help Queue of the Cluster view.');
    return row.requestId;
  }

  /** Take a waiting hand: it shows you are helping. */
  async take(row?: RequestRow | { requestId: string }): Promise<HelpRequest> {
    const { request } = this.request();
    return (await request(TakeHelpRequest.type, { requestId: this.requestId(row) })).request;
  }

  /** Follow: take it if it waits, open the live files read-only and the student's terminal (they are told). */
  async follow(row?: RequestRow | { requestId: string }): Promise<Followed> {
    const { request } = this.request();
    const requestId = this.requestId(row);
    const { request: r, connectPath } = await request(FollowHelpRequest.type, { requestId, terminal: true });
    this.live.follow(r.courseId, r.studentId, connectPath);
    const who = r.studentName ?? r.studentId;
    const folder = { courseId: r.courseId, studentId: r.studentId, path: r.assignmentId };
    const names = filesToOpen(await this.live.list(folder).catch(() => []));
    const opened: string[] = [];
    for (const name of names) {
      const uri = vscode.Uri.from({ scheme: LIVE_SCHEME, path: livePath({ ...folder, path: `${r.assignmentId}/${name}` }) });
      await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: true });
      opened.push(uri.toString());
    }
    let terminal = this.terminals.get(requestId);
    if (!terminal) {
      terminal = this.d.openTerminal(connectPath, `${who} (help)`);
      this.terminals.set(requestId, terminal);
    }
    terminal.show();
    this.d.logger.info('following a raised hand', { request: requestId, student: r.studentId });
    const f = { request: r, opened, terminal };
    this.followed.push(f);
    return f;
  }

  /** End the session: the request leaves the queue, the terminal and the live files close. */
  async end(row?: RequestRow | { requestId: string }): Promise<HelpRequest> {
    const { request } = this.request();
    const requestId = this.requestId(row);
    const { request: r } = await request(EndHelpRequest.type, { requestId });
    this.terminals.get(requestId)?.dispose();
    this.terminals.delete(requestId);
    this.live.unfollow(r.courseId, r.studentId);
    return r;
  }

  dispose(): void {
    for (const t of this.terminals.values()) t.dispose();
    this.live.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
