// WebSocket paths on the course server. The hub serves people and courses on
// one, and proxies each workspace's agent on another (its gateway); the hub
// also names the gateway path in every WorkspaceInfo (`connectPath`).

/** The course server's own endpoint (courses, assignments, submissions, events). */
export const HUB_CONNECT_PATH = '/v1/connect';

/** The gateway to one student's workspace agent in a course. */
export function workspaceConnectPath(courseId: string, studentId: string): string {
  return `/v1/workspaces/${encodeURIComponent(`${courseId}--${studentId}`)}/connect`;
}
