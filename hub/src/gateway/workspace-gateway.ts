// The gateway `/v1/workspaces/<workspaceId>/connect`: authenticate the
// client, check it may enter this workspace (its student, or the course's
// staff — audit-logged), have the provider start the workspace if needed, wait
// for its agent, then relay frames both ways. Agents are reachable only here.

import { DEFAULT_MAX_FRAME_BYTES, ProtocolError, WORKSPACE_PAUSED_CLOSE_CODE } from '@classpod/protocol';
import { type Logger, type MetricsRegistry } from '@classpod/observability';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import type { Authorization, Caller } from '../api/authorization';
import { parseGroupOwner } from '../groups/work-owner';
import { isSlugId } from '../ids/slug-ids';
import { closeReason, quoteForMessage } from '../server/client-text';
import type { Store } from '../store/store';
import { isPausedReason } from '../workspaces/activity-tracker';
import type { WorkspaceOpener } from '../workspaces/workspace-opener';
import type { WorkspaceProvider } from '../workspaces/workspace-provider';
import type { EditAuthors } from '../versions/edit-authors';
import { relayFrames } from './frame-relay';
import { isEditFrame, RelayedActivity } from './relayed-activity';

/**
 * `<courseId>--<studentId>` (both valid ids), or a group's
 * `<courseId>--<assignmentId>--<groupId>` → key (the group's work owner id in
 * `studentId`), or undefined.
 */
export function parseWorkspaceId(id: string): { courseId: string; studentId: string } | undefined {
  const i = id.indexOf('--');
  if (i < 0) return undefined;
  const courseId = id.slice(0, i);
  const studentId = id.slice(i + 2);
  return isSlugId(courseId) && (isSlugId(studentId) || parseGroupOwner(studentId) !== undefined) ? { courseId, studentId } : undefined;
}

export interface GatewayDeps {
  wss: WebSocketServer;
  store: Store;
  authz: Authorization;
  opener: WorkspaceOpener;
  provider: WorkspaceProvider;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Who edited each group workspace (its versions name them); absent: nobody is told. */
  edits?: EditAuthors;
  /** Upgrade refused with an HTTP status (the server writes it). */
  refuse: (socket: Duplex, status: number, message: string) => void;
}

export class WorkspaceGateway {
  private readonly relays = new Map<WebSocket, { courseId: string; studentId: string }>();
  private readonly gauge;
  private readonly unsubscribe: () => void;
  private readonly opened;

  constructor(private readonly d: GatewayDeps) {
    this.gauge = d.metrics.gauge('hub_gateway_connections', 'Client connections relayed to workspace agents.', () => this.relays.size);
    this.opened = d.metrics.counter('hub_gateway_connections_total', 'Gateway connections, by outcome.', ['outcome']);
    // An open connection is not activity: only what a person does through it is (relayed-activity.ts).
    // A workspace stopped for idleness closes its clients with a code that tells them not to reconnect by themselves.
    this.unsubscribe = d.provider.onStatus((s) => {
      if (s.state !== 'stopping' || !isPausedReason(s.reason)) return;
      for (const [client, key] of this.relays) {
        if (key.courseId === s.courseId && key.studentId === s.studentId && client.readyState === client.OPEN) {
          client.close(WORKSPACE_PAUSED_CLOSE_CODE, `workspace ${s.reason}`);
        }
      }
    });
  }

  get connectionCount(): number {
    return this.relays.size;
  }

  /**
   * Handle an upgrade to the gateway path; `caller` is already authenticated
   * and `workspaceId` is the path segment, percent-decoded. Never rejects:
   * every failure is an HTTP refusal before the upgrade or a close after it.
   */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, workspaceId: string, caller: Caller): Promise<void> {
    const key = parseWorkspaceId(workspaceId);
    if (!key) return this.d.refuse(socket, 404, `${quoteForMessage(workspaceId)} is not a workspace id (<course>--<student>, or <course>--<assignment>--<group>)`);
    let role;
    try {
      role = await this.d.authz.studentWork(caller, key.courseId, key.studentId);
    } catch (err) {
      this.opened.inc(1, { outcome: 'refused' });
      if (ProtocolError.is(err, 'Forbidden')) return this.d.refuse(socket, 403, err.message);
      if (ProtocolError.is(err, 'NotFound')) return this.d.refuse(socket, 404, err.message);
      this.d.logger.error('gateway authorization failed', { err, workspaceId: `${key.courseId}--${key.studentId}` });
      return this.d.refuse(socket, 500, 'the hub could not check this connection; see its log');
    }
    this.d.wss.handleUpgrade(req, socket, head, (client) => {
      this.relay(client, key, caller, role).catch((err: unknown) => {
        this.d.logger.error('gateway relay failed', { err, workspaceId: `${key.courseId}--${key.studentId}` });
        if (client.readyState === client.OPEN) client.close(1011, 'the hub failed to relay this connection; see its log');
        else client.terminate();
      });
    });
  }

  private async relay(client: WebSocket, key: { courseId: string; studentId: string }, caller: Caller, role: string): Promise<void> {
    const log = this.d.logger.child({ workspaceId: `${key.courseId}--${key.studentId}`, personId: caller.person.id });
    this.relays.set(client, key);
    const early: Array<{ data: RawData; isBinary: boolean }> = [];
    let earlyBytes = 0;
    const keep = (data: RawData, isBinary: boolean): void => {
      earlyBytes += (data as Buffer).length ?? 0;
      if (earlyBytes > DEFAULT_MAX_FRAME_BYTES * 4) client.close(1009, 'too much sent before the workspace was ready');
      else early.push({ data, isBinary });
    };
    client.on('message', keep);
    const abort = new AbortController();
    client.once('close', () => {
      abort.abort();
      this.relays.delete(client);
    });
    client.on('error', () => client.terminate());
    if (role !== 'student') {
      await this.d.store.audit.add({ actorId: caller.person.id, action: 'workspace.connect', courseId: key.courseId, target: key.studentId })
        .catch((err: Error) => log.error('audit failed', { err }));
    }
    let agent: WebSocket;
    try {
      const endpoint = await this.d.opener.open(key, abort.signal);
      agent = new WebSocket(endpoint.url, { headers: { authorization: `Bearer ${endpoint.token}` }, maxPayload: DEFAULT_MAX_FRAME_BYTES * 2 });
      await new Promise<void>((resolve, reject) => {
        agent.once('open', () => resolve());
        agent.once('error', reject);
        agent.once('unexpected-response', (_req, res) => reject(new Error(`agent answered ${res.statusCode}`)));
        abort.signal.addEventListener('abort', () => reject(new Error('client left')), { once: true });
      });
    } catch (err) {
      this.opened.inc(1, { outcome: 'unavailable' });
      log.warn('workspace unavailable', { err });
      if (client.readyState === client.OPEN) client.close(1013, closeReason(`workspace unavailable: ${(err as Error).message}`));
      return;
    }
    if (client.readyState !== client.OPEN) {
      agent.close(1001, 'client left');
      return;
    }
    client.off('message', keep);
    this.opened.inc(1, { outcome: 'relayed' });
    log.info('relaying', {});
    const activity = new RelayedActivity(this.d.provider.activity, key, role !== 'student');
    // In a group's shared workspace, each edit is attributed to the person whose connection sent it.
    const edits = parseGroupOwner(key.studentId) ? this.d.edits : undefined;
    const workspaceId = `${key.courseId}--${key.studentId}`;
    const fromClient = (data: RawData, isBinary: boolean): void => {
      activity.fromClient(data, isBinary);
      if (edits && isEditFrame(data, isBinary)) edits.edited(workspaceId, caller.person.id);
    };
    for (const f of early) fromClient(f.data, f.isBinary);
    relayFrames(client, agent, early, {
      highWaterBytes: 8 * 1024 * 1024,
      onFrame: (fromClientSide, data, isBinary) => (fromClientSide ? fromClient(data, isBinary) : activity.fromAgent(data, isBinary)),
      onClosed: () => {
        activity.close();
        log.info('relay closed', {});
      },
    });
  }

  /** Close every relayed connection (shutdown). */
  closeAll(): void {
    this.unsubscribe();
    for (const c of this.relays.keys()) c.close(1001, 'hub stopping');
    void this.gauge;
  }
}
