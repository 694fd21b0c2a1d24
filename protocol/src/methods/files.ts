// Files: the agent's file access, jailed to the workspace root. Every path is
// relative to the root, with `/` separators. Small content travels inline as
// base64 in JSON (up to FILES_INLINE_MAX_BYTES); larger content travels on a
// binary stream (`files/readStream`, `files/writeStream`).

import { Type, type Static } from '@sinclair/typebox';
import { defineNotification, defineRequest } from '../method';

/** Largest content `files/read` and `files/write` carry inline (bytes, before base64). */
export const FILES_INLINE_MAX_BYTES = 1024 * 1024;

/** A path relative to the workspace root (`/` separators; `` or `.` is the root itself). */
export const WorkspacePath = Type.String({ maxLength: 4096, description: 'path relative to the workspace root' });

/** What a path names. */
export const FileType = Type.Union([Type.Literal('file'), Type.Literal('directory'), Type.Literal('symlink'), Type.Literal('other')]);
export type FileType = Static<typeof FileType>;

export const FileStat = Type.Object({
  /** The path, as relative to the root. */
  path: Type.String(),
  /** File, directory, symbolic link (only in listings) or other. */
  type: FileType,
  /** Size in bytes (0 for directories). */
  size: Type.Integer({ minimum: 0 }),
  /** Last modification, milliseconds since the epoch. */
  mtimeMs: Type.Number(),
  /** Permission bits, e.g. 0o644 = 420. */
  mode: Type.Integer({ minimum: 0 }),
});
export type FileStat = Static<typeof FileStat>;

export const DirectoryEntry = Type.Object({
  /** Name inside the directory (no separators). */
  name: Type.String(),
  /** What the entry is; a symbolic link is reported as `symlink`, not followed. */
  type: FileType,
  /** Size in bytes (0 for directories). */
  size: Type.Integer({ minimum: 0 }),
  /** Last modification, milliseconds since the epoch. */
  mtimeMs: Type.Number(),
});
export type DirectoryEntry = Static<typeof DirectoryEntry>;

const PathParams = Type.Object({
  /** The path, relative to the workspace root. */
  path: WorkspacePath,
});

/** `files/stat`: what a path is. NotFound when it does not exist. */
export namespace FileStatRequest {
  export const method = 'files/stat';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Type, size, modification time and mode of a path (symbolic links inside the root are followed).',
    params: PathParams,
    result: FileStat,
  });
}

/** `files/list`: the entries of a directory, sorted by name. */
export namespace FileListRequest {
  export const method = 'files/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Entries of a directory, sorted by name.',
    params: PathParams,
    result: Type.Object({
      /** The directory's entries, sorted by name. */
      entries: Type.Array(DirectoryEntry),
    }),
  });
}

/** `files/read`: a whole file inline; TooLarge above FILES_INLINE_MAX_BYTES (use `files/readStream`). */
export namespace FileReadRequest {
  export const method = 'files/read';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Content of a file as base64, for files up to FILES_INLINE_MAX_BYTES; larger ones fail with TooLarge.',
    params: PathParams,
    result: Type.Object({
      /** The content, base64-encoded. */
      contentBase64: Type.String(),
      /** The file's stat at the time it was read. */
      stat: FileStat,
    }),
  });
}

/** `files/readStream`: the server opens a binary stream, writes the content, then ends it with reason `eof`. */
export namespace FileReadStreamRequest {
  export const method = 'files/readStream';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Content of a file of any allowed size on a binary stream the server opens; the stream ends with reason `eof`.',
    params: PathParams,
    result: Type.Object({
      /** The stream that carries the content (opened by the server). */
      streamId: Type.Integer({ minimum: 0 }),
      /** The file's stat when reading started; `stat.size` bytes follow. */
      stat: FileStat,
    }),
  });
}

const WriteOptions = {
  /** Create missing parent directories (default false). */
  createParents: Type.Optional(Type.Boolean()),
  /** Fail with Conflict unless the file's current mtimeMs equals this (optimistic concurrency). */
  expectedMtimeMs: Type.Optional(Type.Number()),
  /** Permission bits for a new file (default 0o644); an existing file keeps its mode. */
  mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 0o7777 })),
};

/** `files/write`: replace (or create) a file atomically with inline content. */
export namespace FileWriteRequest {
  export const method = 'files/write';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Write a whole file atomically (temporary file, fsync, rename) from base64 content.',
    params: Type.Object({
      /** The file, relative to the workspace root. */
      path: WorkspacePath,
      /** The new content, base64-encoded (at most FILES_INLINE_MAX_BYTES decoded). */
      contentBase64: Type.String({ maxLength: Math.ceil((FILES_INLINE_MAX_BYTES * 4) / 3) + 4 }),
      ...WriteOptions,
    }),
    result: FileStat,
  });
}

/**
 * `files/writeStream`: the client allocates a stream id (its own parity), sends
 * this request, then writes exactly `size` bytes on that stream and ends it.
 * The answer comes once the file is in place; a stream that ends short, or a
 * connection that drops, leaves the old file untouched.
 */
export namespace FileWriteStreamRequest {
  export const method = 'files/writeStream';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Write a whole file atomically from a binary stream the client opened; answered when the file is in place.',
    params: Type.Object({
      /** The file, relative to the workspace root. */
      path: WorkspacePath,
      /** The client's stream that carries the content. */
      streamId: Type.Integer({ minimum: 0 }),
      /** Exact number of bytes the stream carries. */
      size: Type.Integer({ minimum: 0 }),
      ...WriteOptions,
    }),
    result: FileStat,
  });
}

/** `files/delete`: remove a file, a symbolic link (not its target) or a directory. */
export namespace FileDeleteRequest {
  export const method = 'files/delete';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Remove a file, symbolic link or directory (a non-empty directory needs `recursive`).',
    params: Type.Object({
      /** The path, relative to the workspace root; the root itself cannot be removed. */
      path: WorkspacePath,
      /** Remove a non-empty directory and everything in it. */
      recursive: Type.Optional(Type.Boolean()),
    }),
    result: Type.Object({}),
  });
}

/** `files/rename`: move a path inside the root. */
export namespace FileRenameRequest {
  export const method = 'files/rename';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Move a file or directory to another path inside the root.',
    params: Type.Object({
      /** Current path. */
      from: WorkspacePath,
      /** New path; its parent must exist. */
      to: WorkspacePath,
      /** Replace an existing `to` (default false: Conflict). */
      overwrite: Type.Optional(Type.Boolean()),
    }),
    result: Type.Object({}),
  });
}

/** `files/mkdir`: create a directory. */
export namespace FileMkdirRequest {
  export const method = 'files/mkdir';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Create a directory (Conflict when it exists, unless `recursive`).',
    params: Type.Object({
      /** The directory, relative to the workspace root. */
      path: WorkspacePath,
      /** Create missing parents and accept an existing directory. */
      recursive: Type.Optional(Type.Boolean()),
    }),
    result: FileStat,
  });
}

/** `files/watch`: start sending `files/changed` for a directory tree. */
export namespace FileWatchRequest {
  export const method = 'files/watch';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Watch a directory tree; changes arrive as debounced `files/changed` notifications.',
    params: Type.Object({
      /** The directory to watch, relative to the workspace root. */
      path: WorkspacePath,
      /** Quiet time before a batch of changes is sent (ms, default 100). */
      debounceMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 10_000 })),
    }),
    result: Type.Object({
      /** Names this watch in `files/changed` and `files/unwatch`. */
      watchId: Type.String(),
    }),
  });
}

/** `files/unwatch`: stop a watch. Watches also end with the connection. */
export namespace FileUnwatchRequest {
  export const method = 'files/unwatch';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Stop a watch started with `files/watch`.',
    params: Type.Object({
      /** The watch to stop. */
      watchId: Type.String(),
    }),
    result: Type.Object({}),
  });
}

/** What happened to a path. */
export const FileChangeKind = Type.Union([Type.Literal('created'), Type.Literal('changed'), Type.Literal('deleted')]);
export type FileChangeKind = Static<typeof FileChangeKind>;

export const FileChange = Type.Object({
  /** The path that changed, relative to the workspace root. */
  path: Type.String(),
  /** Created, changed or deleted (as seen when the batch was sent). */
  kind: FileChangeKind,
});
export type FileChange = Static<typeof FileChange>;

/** `files/changed`: a debounced batch of changes under a watched directory. */
export namespace FileChangedNotification {
  export const method = 'files/changed';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: 'A debounced batch of changes under a watched directory; each path once, relative to the root.',
    params: Type.Object({
      /** The watch these changes belong to. */
      watchId: Type.String(),
      /** The changes, each path once. */
      changes: Type.Array(FileChange),
    }),
  });
}
