// The Cluster view: a TreeDataProvider over the cluster model. Rows are the
// model's node objects, so the model's "these rows changed" reaches VS Code as
// it is; what each row shows comes from the plain presentation.

import * as vscode from 'vscode';
import type { ClusterModel } from '../../professor/cluster-model';
import type { ClusterNode } from '../../professor/cluster-nodes';
import { presentNode } from '../../professor/cluster-presentation';
import { CLASSPOD_SCHEME, documentPath, type ClasspodDocument } from '../../professor/classpod-uri';
import { RedrawSchedule } from '../../deadlines/redraw-schedule';

/** The document a submission file row shows. */
export function fileDocument(node: Extract<ClusterNode, { kind: 'file' }>): ClasspodDocument {
  const { courseId, assignmentId, studentId, submissionId, path } = node;
  return { kind: 'submission', courseId, assignmentId, studentId, submissionId, path };
}

/** The URI of a submission file row. */
export function fileUri(node: Extract<ClusterNode, { kind: 'file' }>): vscode.Uri {
  return vscode.Uri.from({ scheme: CLASSPOD_SCHEME, path: documentPath(fileDocument(node)) });
}

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<ClusterNode | ClusterNode[] | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  private current: ClusterModel | undefined;
  private subscription: { dispose(): void } | undefined;

  /** Rows with relative times are redrawn when their words change. */
  private readonly relativeTimes: RedrawSchedule<ClusterNode>;

  constructor(private readonly now: () => number) {
    this.relativeTimes = new RedrawSchedule((rows) => this.changes.fire(rows), now);
  }

  /** The model shown (undefined: nobody who teaches is signed in). */
  get model(): ClusterModel | undefined {
    return this.current;
  }

  setModel(model: ClusterModel | undefined): void {
    this.subscription?.dispose();
    this.current = model;
    this.relativeTimes.clear();
    this.subscription = model?.onDidChange((rows) => this.changes.fire(rows));
    this.changes.fire(undefined);
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    const model = this.current;
    if (!model) return new vscode.TreeItem('');
    const p = presentNode(model, node, new Date(this.now()));
    this.relativeTimes.note(node, p.redrawAt);
    const state =
      p.collapsible === 'none'
        ? vscode.TreeItemCollapsibleState.None
        : p.collapsible === 'expanded'
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(p.label, state);
    item.id = node.id;
    if (p.description) item.description = p.description;
    item.tooltip = p.tooltip.filter((l) => l !== '').join('\n');
    item.iconPath = new vscode.ThemeIcon(p.icon, p.iconColor ? new vscode.ThemeColor(p.iconColor) : undefined);
    item.contextValue = p.contextValue;
    item.accessibilityInformation = { label: p.description ? `${p.label}, ${p.description}` : p.label };
    if (node.kind === 'file') {
      item.resourceUri = fileUri(node);
      item.iconPath = vscode.ThemeIcon.File;
      item.command = { command: 'classpod.professor.openFile', title: 'Open', arguments: [node] };
    } else if (node.kind === 'versionFile') {
      item.command = { command: 'classpod.professor.openVersionFile', title: 'Compare with the version before', arguments: [node] };
    } else if (node.kind === 'more') {
      item.command = { command: 'classpod.professor.showMore', title: 'Show more', arguments: [node] };
    }
    return item;
  }

  getChildren(node?: ClusterNode): Promise<ClusterNode[]> | ClusterNode[] {
    return this.current ? this.current.getChildren(node) : [];
  }

  getParent(node: ClusterNode): ClusterNode | undefined {
    return this.current?.getParent(node);
  }

  dispose(): void {
    this.relativeTimes.dispose();
    this.subscription?.dispose();
    this.changes.dispose();
  }
}
