// A read-only file system on the `classpod:` scheme: the files of submissions
// and the starter files of assignments, read from the hub through the staff
// actions' cache. Writing is refused; nothing on it ever changes, since a
// snapshot is immutable.

import * as vscode from 'vscode';
import { parseDocumentPath, type ClasspodDocument } from '../../professor/classpod-uri';
import type { StaffActions } from '../../professor/staff-actions';

export class SubmissionFileSystem implements vscode.FileSystemProvider {
  private readonly never = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.never.event;

  constructor(private readonly actions: () => StaffActions | undefined) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const content = await this.read(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: content.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.read(uri);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  /** Tell editors showing `uri` that its content changed (a preview was checked again). */
  changed(uri: vscode.Uri): void {
    this.never.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  dispose(): void {
    this.never.dispose();
  }

  private async read(uri: vscode.Uri): Promise<Uint8Array> {
    let doc: ClasspodDocument;
    try {
      doc = parseDocumentPath(uri.path);
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    const actions = this.actions();
    if (!actions) throw vscode.FileSystemError.Unavailable('Sign in to Classpod as a professor or assistant to read submissions.');
    try {
      return await actions.readDocument(doc);
    } catch (err) {
      const message = (err as Error).message;
      if (/no file|not among|no submission/.test(message)) throw vscode.FileSystemError.FileNotFound(uri);
      throw vscode.FileSystemError.Unavailable(message);
    }
  }
}
