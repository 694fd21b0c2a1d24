// Entry point. `activate` builds the extension's parts and registers each as a
// Disposable; all behaviour lives in the parts (plain logic in src/, the VS
// Code-facing layer in src/vscode/).

import * as vscode from 'vscode';
import { requesterFor } from './professor/hub-requester';
import { createClasspod, type ClasspodApi } from './vscode/classpod';
import { registerFeedback, type FeedbackComments } from './vscode/feedback-comments';
import { registerProfessorFeatures, type ProfessorApi } from './vscode/professor/register';

export function activate(context: vscode.ExtensionContext): ClasspodApi & { professor: ProfessorApi; feedback: FeedbackComments } {
  const api = createClasspod(context);
  const professor = registerProfessorFeatures(context, api);
  const feedback = registerFeedback(context, {
    staff: () => {
      const s = professor.session;
      return s ? requesterFor(() => s.connection.ready()) : undefined;
    },
    studentHub: () => api.hub(),
    folders: () => api.folders.list(),
    logger: api.logger,
  });
  return Object.assign(api, { professor, feedback });
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
