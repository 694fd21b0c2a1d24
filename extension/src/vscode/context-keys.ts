// Context keys the manifest's `when` clauses read.

import * as vscode from 'vscode';

export type ContextKey = 'classpod.signedIn' | 'classpod.inAssignment' | 'classpod.testsRan';

export function setContext(key: ContextKey, value: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
