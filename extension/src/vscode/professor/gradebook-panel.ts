// The gradebook in the editor area: one webview panel per course, over the
// plain gradebook model. The panel asks the hub for the whole grid once
// (`grades/book`), renders it with the page's own nonce and a strict content
// security policy (the page loads only media/gradebook.js from this
// extension), and answers the page's messages — search, sort, filter — with
// the table rendered again. Opening a cell reveals that work in the Cluster
// view; Export runs the one grade export; a score or submission the hub
// announces for the course reloads the grid.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../log';
import { gradebookPage, gradebookTable, statusText } from '../../professor/gradebook/gradebook-html';
import { readMessage } from '../../professor/gradebook/gradebook-messages';
import { DEFAULT_QUERY, Gradebook, type GradebookQuery } from '../../professor/gradebook/gradebook-model';
import type { ProfessorSession } from '../../professor/professor-session';
import { ownSections } from '../../professor/class-filter';

/** The panel type in VS Code's registry of webviews. */
export const GRADEBOOK_VIEW_TYPE = 'classpod.gradebook';

/** A changed score reloads the grid this long after the last change (ms), so a regrade of 300 is one reload. */
const RELOAD_AFTER_MS = 1_000;

export interface GradebookContext {
  extensionUri: vscode.Uri;
  session(): ProfessorSession | undefined;
  logger: Logger;
  /** Show a student's work on an assignment in the Cluster view. */
  reveal(courseId: string, assignmentId: string, studentId: string): Promise<void>;
  /** Run the grade export of the course. */
  exportGrades(courseId: string): Thenable<unknown>;
}

/** The open gradebooks, one per course. */
export class GradebookPanels implements vscode.Disposable {
  private readonly panels = new Map<string, GradebookPanel>();

  constructor(private readonly ctx: GradebookContext) {}

  /** Show the course's gradebook, opening it the first time; resolves once its grid is on the page. */
  async show(courseId: string): Promise<GradebookPanel> {
    let p = this.panels.get(courseId);
    if (p) {
      p.panel.reveal();
      return p;
    }
    p = new GradebookPanel(this.ctx, courseId, () => this.panels.delete(courseId));
    this.panels.set(courseId, p);
    await p.load();
    return p;
  }

  /** The open gradebook of a course, if any (for tests). */
  get(courseId: string): GradebookPanel | undefined {
    return this.panels.get(courseId);
  }

  /** Close every gradebook (the person signed out or changed). */
  closeAll(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }

  dispose(): void {
    this.closeAll();
  }
}

export class GradebookPanel {
  readonly panel: vscode.WebviewPanel;
  private current: Gradebook | undefined;
  private currentQuery: GradebookQuery = DEFAULT_QUERY;
  private readonly subscriptions: vscode.Disposable[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  /** The last cell opened from the page (for tests). */
  lastOpened: { studentId: string; assignmentId: string } | undefined;

  constructor(
    private readonly ctx: GradebookContext,
    readonly courseId: string,
    onClosed: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(GRADEBOOK_VIEW_TYPE, `Gradebook: ${courseId}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'media')],
    });
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.handle(m)),
      this.panel.onDidDispose(() => {
        this.dispose();
        onClosed();
      }),
    );
    const cache = ctx.session()?.cache;
    if (cache) {
      this.subscriptions.push(
        cache.onDidChange((change) => {
          if (change.kind === 'everything' || ((change.kind === 'submission' || change.kind === 'assignment') && change.courseId === courseId)) this.reloadSoon();
        }),
      );
    }
  }

  /** The grid shown, once loaded. */
  get book(): Gradebook | undefined {
    return this.current;
  }

  get query(): GradebookQuery {
    return this.currentQuery;
  }

  /** Ask the hub for the grid and put the whole page up. */
  async load(): Promise<void> {
    const s = this.session();
    await s.cache.ensureCourses();
    const title = s.cache.course(this.courseId)?.title ?? this.courseId;
    this.panel.title = `Gradebook: ${title}`;
    this.current = new Gradebook(await s.actions.gradebook(this.courseId), ownSections(s.cache.course(this.courseId)));
    const webview = this.panel.webview;
    webview.html = gradebookPage(
      {
        title,
        nonce: randomBytes(16).toString('hex'),
        cspSource: webview.cspSource,
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, 'media', 'gradebook.js')).toString(),
      },
      this.current,
      this.currentQuery,
    );
  }

  /** Ask the hub again and redraw the table in place (the focus stays where it was). */
  async reload(): Promise<void> {
    const s = this.session();
    this.current = new Gradebook(await s.actions.gradebook(this.courseId), ownSections(s.cache.course(this.courseId)));
    await this.postTable();
  }

  /** Act on one message of the page (tests call this as the page would). */
  async handle(message: unknown): Promise<void> {
    const book = this.current;
    if (!book) return;
    const intent = readMessage(message, this.currentQuery, book);
    if (!intent) {
      this.ctx.logger.debug('gradebook: dropped a message from the page', { type: typeof message === 'object' && message !== null ? String((message as { type?: unknown }).type) : typeof message });
      return;
    }
    try {
      switch (intent.kind) {
        case 'ready':
          await this.postTable();
          return;
        case 'query':
          this.currentQuery = intent.query;
          await this.postTable();
          return;
        case 'open':
          this.lastOpened = { studentId: intent.studentId, assignmentId: intent.assignmentId };
          await this.ctx.reveal(this.courseId, intent.assignmentId, intent.studentId);
          return;
        case 'export':
          await this.ctx.exportGrades(this.courseId);
          return;
        case 'refresh':
          await this.reload();
          return;
      }
    } catch (err) {
      this.ctx.logger.warn('gradebook action failed', { err, action: intent.kind });
      void vscode.window.showErrorMessage(`Gradebook: ${(err as Error).message}`);
    }
  }

  private async postTable(): Promise<void> {
    const book = this.current;
    if (!book) return;
    const rows = book.view(this.currentQuery);
    await this.panel.webview.postMessage({ type: 'table', html: gradebookTable(book, rows, this.currentQuery), status: statusText(rows.length, book.classSize(this.currentQuery)), search: this.currentQuery.search });
  }

  private reloadSoon(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.reload().catch((err: unknown) => this.ctx.logger.warn('gradebook reload failed', { err }));
    }, RELOAD_AFTER_MS);
  }

  private session(): ProfessorSession {
    const s = this.ctx.session();
    if (!s) throw new Error('Sign in to Classpod as a professor or assistant first.');
    return s;
  }

  private dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
