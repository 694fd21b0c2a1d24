// Which relayed frames are a person working, for the activity tracker. The
// hub learns of activity here, from the frames it relays, rather than from the
// agent: the relay sees every frame anyway, it costs a look at the start of a
// text frame and one header byte of a binary one, and it works the same for
// every provider. What counts:
//
//   from the client   an edit that syncs (`sync/apply`, `files/write`,
//                     `files/writeStream`, `files/delete`, `files/rename`,
//                     `files/mkdir`), a terminal opened or typed into
//                     (`terminals/open`, `terminals/input`, data on a stream:
//                     terminal input or a file being uploaded), a test run
//                     (`tests/runPublic`: the workspace stays busy until its
//                     answer comes back or the connection ends); from staff
//                     (a professor's terminal or view), every request but
//                     `session/hello` and `session/ping`;
//   from the agent    data on a stream (terminal output: a command still
//                     producing output keeps the workspace running; or a
//                     download), `tests/progress`.
//
// Not activity: an open connection, `session/hello`, `session/ping`, reads,
// watches, status requests, stream credit, and `sync/changed` (a watcher).
// What the relay cannot see: a command printing in a terminal nobody is
// attached to, and a test run whose connection ended; those are idle.

import type { RawData } from 'ws';
import type { ActivityTracker } from '../workspaces/activity-tracker';
import type { WorkspaceKey } from '../workspaces/workspace-provider';

/** Requests from a client that are a person's work. */
const WORK = new Set([
  'sync/apply',
  'files/write',
  'files/writeStream',
  'files/delete',
  'files/rename',
  'files/mkdir',
  'terminals/open',
  'terminals/input',
]);

/** Requests from a client that change the workspace's files (directly, or through a terminal). */
const EDITS = new Set(['sync/apply', 'files/write', 'files/writeStream', 'files/delete', 'files/rename', 'files/mkdir', 'terminals/input']);

/** Whether a frame from a client edits the workspace (a change, or data on a stream: terminal input or an upload): whose edit a version records. */
export function isEditFrame(data: RawData, isBinary: boolean): boolean {
  if (isBinary) return asBuffer(data)[1] === DATA_FRAME;
  const { method } = frameHead(data);
  return method !== undefined && EDITS.has(method);
}

/** Requests that are never activity, even from staff. */
const HOUSEKEEPING = new Set(['session/hello', 'session/ping']);

/** Binary frame kind of data (protocol/binary-frame.ts: byte 1). */
const DATA_FRAME = 1;

/** Enough of a frame to find `"id"` and `"method"`: the project's JSON-RPC writes them first. */
const HEAD_CHARS = 512;

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The method and id of a JSON-RPC frame, from its first characters. */
export function frameHead(data: RawData): { method?: string; id?: string } {
  const head = asBuffer(data).subarray(0, HEAD_CHARS).toString('utf8');
  const method = /"method"\s*:\s*"([^"\\]{1,80})"/.exec(head)?.[1];
  const id = /"id"\s*:\s*(-?\d{1,20}|"[^"\\]{0,80}")/.exec(head)?.[1];
  return { ...(method !== undefined ? { method } : {}), ...(id !== undefined ? { id } : {}) };
}

/** Watches one relayed connection's frames and tells the tracker what a person did. */
export class RelayedActivity {
  /** `tests/runPublic` requests in flight, by id → the end of their busy mark. */
  private readonly runs = new Map<string, () => void>();

  constructor(
    private readonly tracker: ActivityTracker,
    private readonly key: WorkspaceKey,
    /** Whether the connection is staff's (a professor's view counts as activity). */
    private readonly staff: boolean,
  ) {}

  /** A frame from the client toward the agent. */
  fromClient(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      if (asBuffer(data)[1] === DATA_FRAME) this.tracker.record(this.key);
      return;
    }
    const { method, id } = frameHead(data);
    if (method === undefined) return;
    if (method === 'tests/runPublic') {
      if (id !== undefined && !this.runs.has(id)) this.runs.set(id, this.tracker.begin(this.key));
      else this.tracker.record(this.key);
      return;
    }
    if (WORK.has(method) || (this.staff && id !== undefined && !HOUSEKEEPING.has(method))) this.tracker.record(this.key);
  }

  /** A frame from the agent toward the client. */
  fromAgent(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      if (asBuffer(data)[1] === DATA_FRAME) this.tracker.record(this.key);
      return;
    }
    const { method, id } = frameHead(data);
    if (method === 'tests/progress') return this.tracker.record(this.key);
    if (method === undefined && id !== undefined) {
      const end = this.runs.get(id);
      if (end) {
        this.runs.delete(id);
        end();
      }
    }
  }

  /** The connection ended: its test runs no longer hold the workspace. */
  close(): void {
    for (const end of this.runs.values()) end();
    this.runs.clear();
  }
}
