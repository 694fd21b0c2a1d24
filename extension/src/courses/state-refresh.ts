// When an assignment's state in the Courses view may be out of date after a
// sync: the hub says "in progress" once the workspace's files differ from the
// starter files, so a "not started" assignment is read again after its
// changes reached the workspace. Later states change with a submission, which
// the hub announces itself.

import type { AssignmentState } from '@classpod/protocol';

/** True when the catalog should read this assignment's state again after a sync cycle that sent `remoteChanges` changes to the workspace. */
export function stateMayHaveChanged(state: AssignmentState | undefined, remoteChanges: number): boolean {
  return state === 'not started' && remoteChanges > 0;
}
