// The similarity check in the editor area: one webview per assignment with
// the ranked pairs (reopening shows the last finished check at once; the
// page offers "Check Again"), and one per opened pair with the two files
// side by side. A webview rather than VS Code's diff editor: a diff lines
// files up by their text, which says little about a copy with the names
// changed, while Dolos's fragments pair stretches of code wherever they sit
// in each file; the page colours each fragment alike on both sides and
// brings both into view together.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { SimilarityPair, SimilarityRun } from '@classpod/protocol';
import type { Logger } from '../../log';
import { requesterFor } from '../../professor/hub-requester';
import type { ProfessorSession } from '../../professor/professor-session';
import { pairPage, pairsPage, type SimilarityPageFrame } from '../../professor/similarity/similarity-html';
import { SimilarityClient, sideName, type OpenedPair } from '../../professor/similarity/similarity-model';

export const SIMILARITY_VIEW_TYPE = 'classpod.similarity';
export const SIMILARITY_PAIR_VIEW_TYPE = 'classpod.similarityPair';

export interface SimilarityContext {
  extensionUri: vscode.Uri;
  session(): ProfessorSession | undefined;
  logger: Logger;
}

/** What "Check Similarity" was asked for. */
export interface SimilarityRequest {
  courseId: string;
  assignmentId: string;
  /** Start a new check even when a finished one exists. */
  rerun?: boolean;
  /** Earlier offerings to include. */
  earlierCourseIds?: string[];
}

export class SimilarityPanels implements vscode.Disposable {
  private readonly panels = new Map<string, SimilarityPanel>();
  private readonly pairPanels = new Set<vscode.WebviewPanel>();

  constructor(private readonly ctx: SimilarityContext) {}

  /** Show the assignment's check (the last finished one, or a new one); resolves when its pairs are on the page. */
  async show(r: SimilarityRequest): Promise<SimilarityPanel> {
    const key = `${r.courseId}/${r.assignmentId}`;
    let p = this.panels.get(key);
    if (!p) {
      p = new SimilarityPanel(this.ctx, r.courseId, r.assignmentId, (opened) => this.showPair(opened), () => this.panels.delete(key));
      this.panels.set(key, p);
    } else p.panel.reveal();
    await p.load(r.rerun === true, r.earlierCourseIds ?? []);
    return p;
  }

  get(courseId: string, assignmentId: string): SimilarityPanel | undefined {
    return this.panels.get(`${courseId}/${assignmentId}`);
  }

  private showPair(opened: OpenedPair): vscode.WebviewPanel {
    const title = `Similarity: ${sideName(opened.pair.left)} ↔ ${sideName(opened.pair.right)}`;
    const panel = vscode.window.createWebviewPanel(SIMILARITY_PAIR_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.ctx.extensionUri, 'media')],
    });
    panel.webview.html = pairPage(frameOf(this.ctx.extensionUri, panel.webview, title), opened);
    this.pairPanels.add(panel);
    panel.onDidDispose(() => this.pairPanels.delete(panel));
    return panel;
  }

  closeAll(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
    for (const p of [...this.pairPanels]) p.dispose();
  }

  dispose(): void {
    this.closeAll();
  }
}

function frameOf(extensionUri: vscode.Uri, webview: vscode.Webview, title: string): SimilarityPageFrame {
  return {
    title,
    nonce: randomBytes(16).toString('hex'),
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'similarity.js')).toString(),
  };
}

export class SimilarityPanel {
  readonly panel: vscode.WebviewPanel;
  private run: SimilarityRun | undefined;
  private pairList: SimilarityPair[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly closed = new AbortController();
  /** The last pair opened from the page (for tests). */
  lastOpened: OpenedPair | undefined;

  constructor(
    private readonly ctx: SimilarityContext,
    readonly courseId: string,
    readonly assignmentId: string,
    private readonly openPair: (opened: OpenedPair) => vscode.WebviewPanel,
    onClosed: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(SIMILARITY_VIEW_TYPE, `Similarity: ${assignmentId}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'media')],
    });
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.handle(m)),
      this.panel.onDidDispose(() => {
        this.closed.abort();
        for (const d of this.subscriptions.splice(0)) d.dispose();
        onClosed();
      }),
    );
  }

  /** The check shown and its pairs (for tests). */
  get current(): { run: SimilarityRun | undefined; pairs: readonly SimilarityPair[] } {
    return { run: this.run, pairs: this.pairList };
  }

  private client(): SimilarityClient {
    const s = this.ctx.session();
    if (!s) throw new Error('not signed in to a course server as staff');
    return new SimilarityClient(requesterFor(() => s.connection.ready()));
  }

  /** Show the last finished check, or run one (always with `rerun`), following its progress. */
  async load(rerun: boolean, earlierCourseIds: string[]): Promise<void> {
    const client = this.client();
    const title = this.ctx.session()?.cache.assignment(this.courseId, this.assignmentId)?.title ?? this.assignmentId;
    this.panel.title = `Similarity: ${title}`;
    let run = rerun ? undefined : await client.status(this.courseId, this.assignmentId);
    if (!run || rerun) run = await client.run(this.courseId, this.assignmentId, earlierCourseIds);
    this.render(title, run, []);
    if (run.state === 'queued' || run.state === 'running') {
      run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking similarity of ${title}` }, (progress) =>
        client.finished(run!, (r) => {
          this.render(title, r, []);
          if (r.total > 0) progress.report({ message: `${r.phase ?? ''} ${r.done}/${r.total}` });
        }, 500, this.closed.signal),
      );
    }
    this.render(title, run, run.state === 'done' ? await client.pairs(run.id) : []);
  }

  private render(title: string, run: SimilarityRun, pairs: SimilarityPair[]): void {
    this.run = run;
    this.pairList = pairs;
    this.panel.webview.html = pairsPage(frameOf(this.ctx.extensionUri, this.panel.webview, `Similarity: ${title}`), run, pairs);
  }

  /** Act on a message of the page (tests call this as the page would). */
  async handle(message: unknown): Promise<vscode.WebviewPanel | undefined> {
    if (typeof message !== 'object' || message === null) return undefined;
    const m = message as { type?: unknown; pairId?: unknown };
    try {
      if (m.type === 'rerun') {
        await this.load(true, this.run?.earlierCourseIds ?? []);
        return undefined;
      }
      if (m.type === 'open' && typeof m.pairId === 'string' && this.run && this.pairList.some((p) => p.id === m.pairId)) {
        this.lastOpened = await this.client().open(this.run.id, m.pairId);
        return this.openPair(this.lastOpened);
      }
      this.ctx.logger.debug('similarity: dropped a message from the page', { type: String(m.type) });
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not open the similarity pair: ${(err as Error).message}`);
    }
    return undefined;
  }
}

/**
 * `classpod.professor.checkSimilarity` on an assignment of the Cluster view:
 * the last finished check at once, or a new one. Before a new check it asks
 * which earlier offerings (other courses the person teaches) to include,
 * unless `args` says.
 */
export function checkSimilarityCommand(panels: SimilarityPanels, session: () => ProfessorSession | undefined, logger: Logger) {
  return async (node?: { courseId: string; assignmentId: string }, args?: { rerun?: boolean; earlierCourseIds?: string[] }): Promise<SimilarityPanel | undefined> => {
    try {
      const s = session();
      if (!s) throw new Error('not signed in to a course server as staff');
      if (!node?.courseId || !node.assignmentId) throw new Error('pick an assignment in the Cluster view');
      let earlierCourseIds = args?.earlierCourseIds;
      const existing = args?.rerun ? undefined : panels.get(node.courseId, node.assignmentId)?.current.run;
      if (earlierCourseIds === undefined && !existing) {
        const last = args?.rerun ? undefined : await new SimilarityClient(requesterFor(() => s.connection.ready())).status(node.courseId, node.assignmentId);
        if (!last) {
          await s.cache.ensureCourses();
          const others = s.cache.courses().filter((c) => c.id !== node.courseId && c.role === 'professor');
          if (others.length > 0) {
            const picked = await vscode.window.showQuickPick(
              others.map((c) => ({ label: c.title, description: c.id, id: c.id })),
              { title: `Also compare with earlier offerings of ${node.assignmentId}? (none: Enter)`, canPickMany: true },
            );
            if (picked === undefined) return undefined;
            earlierCourseIds = picked.map((p) => p.id);
          }
        } else earlierCourseIds = last.earlierCourseIds;
      }
      return await panels.show({ courseId: node.courseId, assignmentId: node.assignmentId, ...(args?.rerun ? { rerun: true } : {}), earlierCourseIds: earlierCourseIds ?? [] });
    } catch (err) {
      logger.warn('similarity check failed', { err: err as Error });
      void vscode.window.showErrorMessage(`Could not check similarity: ${(err as Error).message}`);
      return undefined;
    }
  };
}
