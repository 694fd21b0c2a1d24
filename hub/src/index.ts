// @classpod/hub: the course server. Start one with `startHub`, or run the
// `classpod-hub` command.

export { startHub, type Hub } from './hub';
export { HUB_DEFAULTS, optionsFromEnv, validateOptions, HubConfigError, type HubOptions } from './config';
export { ManualClock, systemClock, offsetClock, parseInstant, type Clock } from './time/clock';
export { Store, Repositories } from './store/store';
export { newId } from './store/repository';
export { openStore } from './store/open-store';
export { openPostgres, openSqlite, type HubDatabase } from './store/database';
export type { Tables } from './store/tables';
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
export { VersionRepository, type FolderKey, type VersionRetention } from './store/version-repository';
export { VersionRecorder, VersionNotRecorded, type ScannedFile, type ContentFetcher } from './versions/version-recorder';
export { enrolPerson } from './admin/course-setup';
