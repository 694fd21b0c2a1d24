// Sync: the methods a local sync session uses to drive a workspace-side
// replica. The local side scans, reconciles and decides; the workspace side
// scans its tree, stages content, streams content out, and applies changes
// only when the path still holds what the local side last saw (otherwise the
// change is refused as a conflict and reconciled again on the next cycle).

import { Type, type Static } from '@sinclair/typebox';
import { defineNotification, defineRequest } from '../method';

/** A content hash: SHA-256 in lower-case hex. */
export const SyncHash = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** What one path holds, without its name. Directories carry only their kind. */
export const SyncEntryState = Type.Object({
  kind: Type.Union([Type.Literal('file'), Type.Literal('dir'), Type.Literal('symlink')]),
  /** Files: SHA-256 of the content. */
  hash: Type.Optional(SyncHash),
  /** Files: size in bytes. */
  size: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Files: true when the owner's execute bit is set. */
  executable: Type.Optional(Type.Boolean()),
  /** Symbolic links: the link's target as written (relative, inside the root). */
  target: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type SyncEntryState = Static<typeof SyncEntryState>;

/** One path of a manifest: a relative POSIX path under the sync root and what it holds. */
export const SyncEntry = Type.Composite([Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096 }) }), SyncEntryState]);
export type SyncEntry = Static<typeof SyncEntry>;

/** Something a scan saw and did not sync, for the user to see. */
export const SyncProblem = Type.Object({
  path: Type.String(),
  /** `symlink-outside-root`, `case-collision`, `unreadable`, `unsupported-kind`. */
  kind: Type.String({ maxLength: 64 }),
  message: Type.String(),
});
export type SyncProblem = Static<typeof SyncProblem>;

/** Replace what `path` holds: `old` is what the caller last saw there (null: nothing), `new` what it must hold (null: remove it). */
export const SyncChange = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 4096 }),
  old: Type.Union([SyncEntryState, Type.Null()]),
  new: Type.Union([SyncEntryState, Type.Null()]),
});
export type SyncChange = Static<typeof SyncChange>;

/** The outcome of one change. */
export const SyncChangeResult = Type.Object({
  path: Type.String(),
  /** `ok`; `conflict` (the path no longer holds `old`); `missing-content` (the content was not staged); `failed`. */
  status: Type.Union([Type.Literal('ok'), Type.Literal('conflict'), Type.Literal('missing-content'), Type.Literal('failed')]),
  message: Type.Optional(Type.String()),
});
export type SyncChangeResult = Static<typeof SyncChangeResult>;

/** Content a replica must hold before changes that need it are applied. */
export const SyncContentNeed = Type.Object({
  hash: SyncHash,
  size: Type.Integer({ minimum: 0 }),
});
export type SyncContentNeed = Static<typeof SyncContentNeed>;

const ReplicaId = Type.String({ minLength: 1, maxLength: 256 });
const IgnorePatterns = Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 1000 });

/** `sync/open`: open (or reopen) the workspace-side replica of a folder. */
export namespace SyncOpenRequest {
  export const method = 'sync/open';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Open the workspace-side replica of a folder under the workspace root ("" for the root itself).',
    params: Type.Object({
      /** Relative POSIX path under the workspace root. */
      root: Type.String({ maxLength: 1024 }),
    }),
    result: Type.Object({
      /** Names this replica in the other sync methods (stable for the same root). */
      replicaId: ReplicaId,
      /** Whether the workspace file system tells names apart by case (true on Linux). */
      caseSensitive: Type.Boolean(),
    }),
  });
}

/** `sync/scan`: the replica's manifest now. */
export namespace SyncScanRequest {
  export const method = 'sync/scan';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Scan the replica with these ignore rules and return its manifest (path, kind, hash, size, executable bit, link target).',
    params: Type.Object({
      replicaId: ReplicaId,
      /** Rules in .gitignore syntax; both sides scan with the same rules. */
      ignore: IgnorePatterns,
      /**
       * Scan only these paths (with their subtrees and their parent folders)
       * instead of the whole tree: a focused cycle after a watcher saw them change.
       */
      paths: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 1000 })),
    }),
    result: Type.Object({
      entries: Type.Array(SyncEntry, { maxItems: 200_000 }),
      problems: Type.Array(SyncProblem, { maxItems: 10_000 }),
    }),
  });
}

/** `sync/stage`: make content ready for `sync/apply`, from the replica's own copies where it can. */
export namespace SyncStageRequest {
  export const method = 'sync/stage';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Stage content by hash. The replica copies content it already holds (a rename, a copy) and answers what must be uploaded, with the offset a partial upload can resume from.',
    params: Type.Object({ replicaId: ReplicaId, needs: Type.Array(SyncContentNeed, { maxItems: 200_000 }) }),
    result: Type.Object({
      missing: Type.Array(Type.Object({ hash: SyncHash, offset: Type.Integer({ minimum: 0 }) }), { maxItems: 200_000 }),
    }),
  });
}

/** `sync/upload`: content for one hash, sent on a binary stream the caller opened. */
export namespace SyncUploadRequest {
  export const method = 'sync/upload';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Receive the bytes of content `hash` from `offset` on binary stream `streamId` (opened by the caller, ended after the last byte). Answers once the content is staged and its hash verified; a dropped connection keeps the bytes received, so the next upload resumes.',
    params: Type.Object({
      replicaId: ReplicaId,
      hash: SyncHash,
      size: Type.Integer({ minimum: 0 }),
      offset: Type.Integer({ minimum: 0 }),
      streamId: Type.Integer({ minimum: 1 }),
    }),
    result: Type.Object({ staged: Type.Boolean() }),
  });
}

/** `sync/put`: many small contents in one binary stream (cheaper than a stream or a request per file). */
export namespace SyncPutRequest {
  export const method = 'sync/put';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Stage small contents sent back to back on binary stream `streamId` (opened by the caller, ended after the last byte), in the order and sizes listed. Answers the hashes staged; content whose bytes do not match its hash is left out.',
    params: Type.Object({
      replicaId: ReplicaId,
      streamId: Type.Integer({ minimum: 1 }),
      contents: Type.Array(Type.Object({ hash: SyncHash, size: Type.Integer({ minimum: 0 }) }), { maxItems: 10_000 }),
    }),
    result: Type.Object({ staged: Type.Array(SyncHash) }),
  });
}

/** `sync/get`: many small files in one binary stream. */
export namespace SyncGetRequest {
  export const method = 'sync/get';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Send small files back to back on a new binary stream, in the order listed; a file that no longer holds content `hash` is answered without `size` and sends no bytes. The stream ends with reason "ok" after the last byte.',
    params: Type.Object({
      replicaId: ReplicaId,
      files: Type.Array(Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096 }), hash: SyncHash }), { maxItems: 10_000 }),
    }),
    result: Type.Object({
      streamId: Type.Integer({ minimum: 1 }),
      contents: Type.Array(Type.Object({ hash: SyncHash, size: Type.Optional(Type.Integer({ minimum: 0 })) })),
    }),
  });
}

/** `sync/download`: the content of one file, from an offset, on a binary stream the replica opens. */
export namespace SyncDownloadRequest {
  export const method = 'sync/download';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Send the bytes of file `path` from `offset` on a new binary stream. Fails with Conflict when the file no longer has content `hash`. The stream ends with reason "ok" after the last byte.',
    params: Type.Object({
      replicaId: ReplicaId,
      path: Type.String({ minLength: 1, maxLength: 4096 }),
      hash: SyncHash,
      offset: Type.Integer({ minimum: 0 }),
    }),
    result: Type.Object({ streamId: Type.Integer({ minimum: 1 }), size: Type.Integer({ minimum: 0 }) }),
  });
}

/** `sync/apply`: apply changes, each only when its path still holds what the caller saw. */
export namespace SyncApplyRequest {
  export const method = 'sync/apply';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Apply changes atomically per path (temporary file, then rename). A change whose path no longer holds `old` is refused with status "conflict"; nothing is overwritten that the caller did not see.',
    params: Type.Object({ replicaId: ReplicaId, changes: Type.Array(SyncChange, { maxItems: 10_000 }) }),
    result: Type.Object({ results: Type.Array(SyncChangeResult) }),
  });
}

/** `sync/changed`: the replica's tree changed (a watcher saw it); the local side should sync. */
export namespace SyncChangedNotification {
  export const method = 'sync/changed';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: 'Something changed in the replica; the client schedules a sync cycle.',
    params: Type.Object({
      replicaId: ReplicaId,
      /** The paths that changed, when the watcher knows them (absent: rescan everything). */
      paths: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 1000 })),
    }),
  });
}
