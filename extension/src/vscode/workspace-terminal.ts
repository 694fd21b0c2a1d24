// The workspace terminal in VS Code: a Pseudoterminal over a RemoteTerminal,
// offered as a terminal profile ("Classpod Workspace") and by the command
// `classpod.openTerminal`. A network drop prints a dim line, and the missed
// output follows when the connection is back; a workspace paused for
// idleness says so, and a key resumes it.

import * as vscode from 'vscode';
import type { WorkspaceConnections } from '../connection/workspace-connections';
import type { CourseCatalog } from '../courses/course-catalog';
import type { Logger } from '../log';
import { RemoteTerminal } from '../terminals/remote-terminal';
import type { AssignmentFolders } from './assignment-folders';

const dim = (text: string): string => `\r\n\x1b[2m${text}\x1b[0m\r\n`;

/** Where a new terminal opens. */
export interface TerminalTarget {
  courseId: string;
  /** Folder relative to the workspace root (an assignment's), or the root. */
  cwd?: string;
  title: string;
  /** A group assignment's: the gateway path of the group's workspace, where its folder is. */
  groupPath?: string;
}

/** A Pseudoterminal whose shell runs in the workspace. */
export class WorkspacePty implements vscode.Pseudoterminal {
  private readonly writes = new vscode.EventEmitter<string>();
  private readonly closes = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writes.event;
  readonly onDidClose = this.closes.event;
  private remote: RemoteTerminal | undefined;
  /** Everything written to the screen (tests read it). */
  transcript = '';

  constructor(
    private readonly workspaces: WorkspaceConnections,
    readonly target: TerminalTarget,
    private readonly logger: Logger,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    const remote = new RemoteTerminal(this.workspaces.get(this.target.courseId, this.target.groupPath), {
      cols: dimensions?.columns ?? 80,
      rows: dimensions?.rows ?? 24,
      ...(this.target.cwd ? { cwd: this.target.cwd } : {}),
      logger: this.logger,
    });
    this.remote = remote;
    remote.onData((text) => this.write(text));
    remote.onStatus((s) => {
      if (s.kind === 'disconnected') this.write(dim('[connection to your workspace lost — reconnecting…]'));
      if (s.kind === 'paused') this.write(dim(`[${s.reason} — press a key to resume]`));
      if (s.kind === 'resumed') this.write(dim('[workspace resumed — a new shell; the lines above are from before the pause]'));
      if (s.kind === 'attached') {
        this.write(dim(s.lostBytes > 0 ? `[reconnected — ${s.lostBytes} bytes of output were too old to replay]` : '[reconnected]'));
      }
      if (s.kind === 'exited') {
        this.write(dim(`[the shell ended: ${s.reason}${s.exitCode >= 0 ? `, exit code ${s.exitCode}` : ''}]`));
        this.closes.fire(s.exitCode >= 0 ? s.exitCode : undefined);
      }
    });
    this.write(dim(`Connecting to your workspace in ${this.target.courseId}…`));
    remote.start().catch((err: Error) => {
      this.write(dim(`Could not open a terminal in your workspace: ${err.message}`));
      this.logger.warn('terminal failed to open', { err });
    });
  }

  handleInput(data: string): void {
    this.remote?.input(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.remote?.resize(dimensions.columns, dimensions.rows);
  }

  close(): void {
    void this.remote?.close();
    this.writes.dispose();
    this.closes.dispose();
  }

  private write(text: string): void {
    this.transcript += text;
    if (this.transcript.length > 200_000) this.transcript = this.transcript.slice(-100_000);
    this.writes.fire(text);
  }
}

/** The command, the profile provider, and the list of open workspace terminals. */
export class WorkspaceTerminals implements vscode.Disposable {
  /** Open terminals' ptys, newest last (tests read their transcripts). */
  readonly ptys: WorkspacePty[] = [];
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly workspaces: WorkspaceConnections,
    private readonly catalog: CourseCatalog,
    private readonly folders: AssignmentFolders,
    private readonly logger: Logger,
  ) {
    this.registration = vscode.window.registerTerminalProfileProvider('classpod.workspaceTerminal', {
      provideTerminalProfile: async () => {
        const target = await this.chooseTarget(undefined);
        if (!target) throw new Error('No Classpod course to open a terminal in. Sign in first.');
        return new vscode.TerminalProfile({ name: target.title, pty: this.newPty(target), iconPath: new vscode.ThemeIcon('cloud') });
      },
    });
  }

  /** `classpod.openTerminal`: from a course or assignment in the tree, or the open assignment. */
  async open(node?: { courseId?: string; assignmentId?: string }): Promise<vscode.Terminal | undefined> {
    const target = await this.chooseTarget(node);
    if (!target) return undefined;
    const terminal = vscode.window.createTerminal({ name: target.title, pty: this.newPty(target), iconPath: new vscode.ThemeIcon('cloud') });
    terminal.show();
    return terminal;
  }

  dispose(): void {
    this.registration.dispose();
  }

  private newPty(chosen: TerminalTarget): WorkspacePty {
    // An assignment done in a group: its terminal opens in the group's workspace.
    const assignmentId = chosen.cwd;
    const groupPath = assignmentId ? this.catalog.find(chosen.courseId, assignmentId)?.group?.connectPath : undefined;
    const target = groupPath ? { ...chosen, groupPath } : chosen;
    const pty = new WorkspacePty(this.workspaces, target, this.logger);
    this.ptys.push(pty);
    return pty;
  }

  private async chooseTarget(node: { courseId?: string; assignmentId?: string } | undefined): Promise<TerminalTarget | undefined> {
    if (node?.courseId) {
      return { courseId: node.courseId, ...(node.assignmentId ? { cwd: node.assignmentId } : {}), title: `Classpod: ${node.assignmentId ?? node.courseId}` };
    }
    const open = this.folders.list()[0];
    if (open) return { courseId: open.marker.courseId, cwd: open.marker.slug ?? open.marker.id, title: `Classpod: ${open.marker.id}` };
    const courses = this.catalog.courses();
    if (courses.length === 0) {
      void vscode.window.showInformationMessage('Sign in to Classpod to open a terminal in your workspace.', 'Sign In').then((c) => {
        if (c) void vscode.commands.executeCommand('classpod.signIn');
      });
      return undefined;
    }
    const only = courses.length === 1 ? courses[0] : undefined;
    const pick = only
      ? { courseId: only.course.id }
      : await vscode.window.showQuickPick(courses.map((c) => ({ label: c.course.title, courseId: c.course.id })), { title: 'Open a terminal in which course workspace?' });
    return pick ? { courseId: pick.courseId, title: `Classpod: ${pick.courseId}` } : undefined;
  }
}
