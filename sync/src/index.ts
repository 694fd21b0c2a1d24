// @classpod/sync: the local-first sync engine. The extension opens a
// `SyncSession` per local folder; the agent serves workspace replicas with a
// `SyncReplicaHost`. `TreeJail` is the one way into a tree a student can
// write; the agent's files service uses it too. The pieces below them are
// exported for tests and tools.

export { SyncSession, type SyncSessionOptions, type SyncState, type SyncProgress, type SyncReport, type SyncFailure } from './sync-session';
export { SyncReplicaHost, type SyncReplicaHostOptions } from './replica-host';
export { reconcile, nextAncestor, type ReconcileInput, type ReconcilePlan, type SyncConflict } from './reconcile';
export { conflictCopyPath, conflictTimestamp, isConflictCopyOf, looksLikeConflictCopy, type ConflictSide } from './conflict-names';
export {
  IgnoreRules,
  readIgnorePatterns,
  DEFAULT_IGNORE_PATTERNS,
  CLASSPOD_IGNORE_FILE,
  STATE_DIR_NAME,
  TEMP_MARKER,
  CASE_PROBE_PREFIX,
  isSyncOwnName,
  ASSIGNMENT_FOLDER_SKIPPED_NAMES,
  VERSION_CONTROL_DIRS,
  DEPENDENCY_DIRS,
  isSkippedInAssignmentFolder,
} from './ignore-rules';
export { TreeScanner, ScanCache, hashFile, hashBytes, linkStaysInside, scanFolder, type ScanResult, type ScanCacheRecord, type TreeScannerOptions } from './scanner';
export { TreeJail, JailedEntry, type LinkPolicy, type TreeJailOptions } from './tree-jail';
export { HeldFolder, type OpenedFile } from './held-folder';
export { fsError, jailRefusal, safeMessage, type JailReason } from './jail-errors';
export { FsReplica, type FsReplicaOptions } from './fs-replica';
export { RemoteReplica } from './remote-replica';
export { ContentStaging } from './content-staging';
export { TreeWatcher, NEVER_WATCHED, type TreeWatcherOptions } from './tree-watcher';
export { loadAncestor, saveAncestor, ANCESTOR_FILE } from './ancestor-store';
export { probeCaseSensitive } from './case-probe';
export { AtomicFile, writeFileAtomic, isTempName } from './atomic-file';
export {
  sameEntry,
  manifestFromEntries,
  manifestToEntries,
  parentPath,
  pathDepth,
  unsafePathReason,
  type Entry,
  type Manifest,
} from './manifest';
