// One connection per course to the student's own workspace agent, through the
// course server's gateway. Opened on first use (asking the hub to start the
// workspace), shared by the terminal, sync and workspace test runs, and
// reopened after a drop.

import { ErrorCode, ProtocolError, StartWorkspaceRequest, type RpcEndpoint } from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import type { Disposable } from '../emitter';
import type { StudentSession } from '../session/student-session';
import { ConnectionError } from './connection-error';
import type { OpenedEndpoint } from './open-endpoint';
import { workspaceConnectPath } from './paths';
import { ReconnectingConnection } from './reconnecting-connection';

/** Capabilities announced to the agent. */
export const WORKSPACE_CAPABILITIES = ['files', 'terminals', 'sync', 'tests'];

export class WorkspaceConnections implements Disposable {
  private readonly byCourse = new Map<string, ReconnectingConnection>();

  constructor(
    private readonly session: Pick<StudentSession, 'account' | 'connection' | 'openPath'>,
    private readonly logger: Logger,
  ) {}

  /**
   * The connection to the caller's workspace in `courseId` (opened now if
   * needed), or, with `groupPath` (the gateway path the hub gives a group
   * assignment's members), to their group's shared workspace.
   */
  get(courseId: string, groupPath?: string): ReconnectingConnection {
    const key = groupPath ? `${courseId} ${groupPath}` : courseId;
    let c = this.byCourse.get(key);
    if (!c) {
      c = new ReconnectingConnection(() => this.open(courseId, groupPath));
      c.onDidChangeState((s) => {
        if (s.kind === 'online') this.logger.info('workspace connected', { courseId, ...(groupPath ? { group: groupPath } : {}) });
        if (s.kind === 'offline') this.logger.warn('workspace connection lost', { courseId, problem: s.error.problem, message: s.error.message });
      });
      this.byCourse.set(key, c);
    }
    return c;
  }

  /** Close every workspace connection (sign out). */
  closeAll(): void {
    for (const c of this.byCourse.values()) c.dispose();
    this.byCourse.clear();
  }

  dispose(): void {
    this.closeAll();
  }

  private async open(courseId: string, groupPath?: string): Promise<OpenedEndpoint> {
    const account = this.session.account;
    const hub = this.session.connection;
    if (!account || !hub) throw new ConnectionError('unauthorized', 'You are not signed in. Run "Classpod: Sign In" first.');
    let endpoint: RpcEndpoint;
    try {
      endpoint = await hub.ready();
    } catch (err) {
      throw err instanceof ConnectionError ? err : new ConnectionError('unreachable', (err as Error).message);
    }
    // A group's workspace is started by the hub's gateway when a member connects.
    if (groupPath) return this.session.openPath(groupPath, WORKSPACE_CAPABILITIES);
    let path = workspaceConnectPath(courseId, account.person.personId);
    try {
      const { workspace } = await endpoint.request(StartWorkspaceRequest.type, { courseId, studentId: account.person.personId }, { timeoutMs: 120_000 });
      path = workspace.connectPath || path;
    } catch (err) {
      if (err instanceof ProtocolError && (err.code === ErrorCode.Forbidden || err.code === ErrorCode.NotFound)) {
        throw new ConnectionError('forbidden', `Your workspace in ${courseId} cannot be started: ${err.message}`);
      }
      if (err instanceof ProtocolError && err.code !== ErrorCode.MethodNotFound) {
        throw new ConnectionError('unavailable', `Your workspace in ${courseId} is not ready: ${err.message}`);
      }
      // A hub without workspaces/start starts the workspace on connect.
    }
    return this.session.openPath(path, WORKSPACE_CAPABILITIES);
  }
}
