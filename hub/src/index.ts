// @classpod/hub: the course server. Start one with `startHub`, or run the
// `classpod-hub` command.

export { startHub, type Hub } from './hub';
export { HUB_DEFAULTS, optionsFromEnv, validateOptions, HubConfigError, type HubOptions } from './config';
export { ManualClock, systemClock, offsetClock, parseInstant, type Clock } from './time/clock';
export { Store, newId } from './store/store';
export { openStore } from './store/open-store';
export { SqliteDriver } from './store/sqlite-driver';
export { PostgresDriver } from './store/postgres-driver';
export type { SqlDriver, SqlRunner } from './store/sql-driver';
export * from './store/records';
export { BlobStore, sha256Hex } from './blobs/blob-store';
export { TokenService, hashToken, type TokenScope } from './auth/tokens';
export { LocalWorkspaceProvider, type LocalProviderOptions } from './workspaces/local/local-provider';
export { bubblewrapWorks, sandboxCommand } from './workspaces/local/agent-sandbox';
export * from './workspaces/workspace-provider';
export { loadAssignmentFolder, AssignmentFolderError, type LoadedAssignment } from './assignments/assignment-folder';
export { storeLoadedAssignment } from './assignments/assignment-import';
export { graderSpecResolver, type SpecResolver, type ResolvedSpec } from './assignments/spec-resolver';
export { setUpCourseFolder, type CourseSetup } from './admin/course-setup';
export * from './workspaces/kubernetes';
export { VersionStore, type FolderKey, type VersionRetention } from './store/version-store';
export { VersionRecorder, VersionNotRecorded, type ScannedFile, type ContentFetcher } from './versions/version-recorder';
export { enrolPerson } from './admin/course-setup';
