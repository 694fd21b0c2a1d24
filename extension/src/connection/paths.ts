// WebSocket paths on the course server. The hub serves people and courses on
// one, and proxies a course workspace's agent on the other.

/** The course server's own endpoint (courses, assignments, submissions, events). */
export const HUB_CONNECT_PATH = '/v1/connect';

/** The gateway to the caller's workspace agent in a course. */
export function workspaceConnectPath(courseId: string): string {
  return `/v1/workspaces/${encodeURIComponent(courseId)}/connect`;
}
