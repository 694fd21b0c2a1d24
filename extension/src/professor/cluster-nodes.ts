// The nodes of the professors' cluster tree. Each is a small value with a
// stable id; the model hands out one object per id, so a view can be told
// "this node changed" and find it again.

/** Every kind of row in the tree. */
export type ClusterNode =
  | { kind: 'cluster'; id: string }
  | { kind: 'machine'; id: string; name: string }
  | { kind: 'course'; id: string; courseId: string }
  | { kind: 'workspaces'; id: string; courseId: string }
  | { kind: 'workspace'; id: string; courseId: string; studentId: string }
  | { kind: 'assignments'; id: string; courseId: string }
  | { kind: 'assignment'; id: string; courseId: string; assignmentId: string }
  | { kind: 'student'; id: string; courseId: string; assignmentId: string; studentId: string }
  | { kind: 'submission'; id: string; courseId: string; assignmentId: string; studentId: string; submissionId: string }
  | { kind: 'results'; id: string; submissionId: string }
  | { kind: 'test'; id: string; submissionId: string; index: number }
  | { kind: 'file'; id: string; courseId: string; assignmentId: string; studentId: string; submissionId: string; path: string }
  | { kind: 'versions'; id: string; courseId: string; assignmentId: string; studentId: string }
  | { kind: 'version'; id: string; courseId: string; assignmentId: string; studentId: string; versionId: string }
  | { kind: 'versionFile'; id: string; courseId: string; assignmentId: string; studentId: string; versionId: string; path: string }
  | { kind: 'regradeRequests'; id: string; courseId: string }
  | { kind: 'regradeRequest'; id: string; courseId: string; requestId: string }
  | { kind: 'helpQueue'; id: string; courseId: string }
  | { kind: 'helpRequest'; id: string; courseId: string; requestId: string }
  | { kind: 'more'; id: string; parentId: string; remaining: number }
  | { kind: 'message'; id: string; parentId: string; text: string; error: boolean };

export type ClusterNodeKind = ClusterNode['kind'];

/** Ids, one function per kind; the only place their shape is written. */
export const nodeId = {
  cluster: (): string => 'cluster',
  machine: (name: string): string => `machine:${name}`,
  course: (courseId: string): string => `course:${courseId}`,
  workspaces: (courseId: string): string => `workspaces:${courseId}`,
  workspace: (courseId: string, studentId: string): string => `workspace:${courseId}/${studentId}`,
  assignments: (courseId: string): string => `assignments:${courseId}`,
  assignment: (courseId: string, assignmentId: string): string => `assignment:${courseId}/${assignmentId}`,
  student: (courseId: string, assignmentId: string, studentId: string): string => `student:${courseId}/${assignmentId}/${studentId}`,
  submission: (submissionId: string): string => `submission:${submissionId}`,
  results: (submissionId: string): string => `results:${submissionId}`,
  test: (submissionId: string, index: number): string => `test:${submissionId}/${index}`,
  file: (submissionId: string, path: string): string => `file:${submissionId}/${path}`,
  versions: (courseId: string, assignmentId: string, studentId: string): string => `versions:${courseId}/${assignmentId}/${studentId}`,
  version: (versionId: string): string => `version:${versionId}`,
  versionFile: (versionId: string, path: string): string => `versionFile:${versionId}/${path}`,
  regradeRequests: (courseId: string): string => `regradeRequests:${courseId}`,
  regradeRequest: (requestId: string): string => `regradeRequest:${requestId}`,
  helpQueue: (courseId: string): string => `helpQueue:${courseId}`,
  helpRequest: (requestId: string): string => `helpRequest:${requestId}`,
  more: (parentId: string): string => `more:${parentId}`,
  message: (parentId: string): string => `message:${parentId}`,
};
