// Entry point. `activate` builds the extension's parts and registers each as a
// Disposable; all behaviour lives in the parts (plain logic in src/, the VS
// Code-facing layer in src/vscode/).

import * as vscode from 'vscode';
import { createClasspod, type ClasspodApi } from './vscode/classpod';
import { registerProfessorFeatures, type ProfessorApi } from './vscode/professor/register';

export function activate(context: vscode.ExtensionContext): ClasspodApi & { professor: ProfessorApi } {
  const api = createClasspod(context);
  return Object.assign(api, { professor: registerProfessorFeatures(context, api) });
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
