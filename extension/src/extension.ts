// Entry point. `activate` builds the extension's parts and registers each as a
// Disposable; all behaviour lives in the parts (plain logic in src/, the VS
// Code-facing layer in src/vscode/).

import * as vscode from 'vscode';
import { createClasspod, type ClasspodApi } from './vscode/classpod';

export function activate(context: vscode.ExtensionContext): ClasspodApi {
  return createClasspod(context);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
