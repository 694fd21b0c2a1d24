// The refusals of the tree jail and the mapping of file-system errors to
// protocol errors. Every text names the path relative to the jail's root, the
// way the client named it; a host path never appears, which is why a Node
// error's own message (it carries the absolute path) is never passed on.

import { errors, ProtocolError } from '@classpod/protocol';

/** Why a path was refused; carried in the error's data as `reason`. */
export type JailReason =
  | 'nul-byte'
  | 'absolute'
  | 'parent-segment'
  | 'symlink-escape'
  | 'symlink'
  | 'symlink-loop'
  | 'dangling-symlink'
  | 'special-file'
  | 'too-large'
  | 'root';

/** A refusal: Forbidden (TooLarge for sizes) with `{ reason, path }` as data. */
export function jailRefusal(reason: JailReason, rel: string, message: string): ProtocolError {
  const make = reason === 'too-large' ? errors.tooLarge : errors.forbidden;
  return make(message, { reason, path: rel });
}

/** `path` in backquotes, `.` for the root. */
export function shown(rel: string): string {
  return `\`${rel || '.'}\``;
}

/** The errno code of an error, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Map a file-system error to a protocol error naming `rel` (relative to the root). */
export function fsError(err: unknown, rel: string): ProtocolError {
  if (err instanceof ProtocolError) return err;
  const code = errorCode(err);
  const p = shown(rel);
  const data = { path: rel, ...(code ? { errno: code } : {}) };
  switch (code) {
    case 'ENOENT':
      return errors.notFound(`${p} does not exist`, data);
    case 'EEXIST':
      return errors.conflict(`${p} already exists`, data);
    case 'ENOTEMPTY':
      return errors.conflict(`folder ${p} is not empty`, data);
    case 'ENOTDIR':
      return errors.conflict(`a part of ${p} is not a folder`, data);
    case 'EISDIR':
    case 'ERR_FS_EISDIR':
      return errors.conflict(`${p} is a folder`, data);
    case 'ELOOP':
      return jailRefusal('symlink-loop', rel, `${p} goes through too many symbolic links`);
    case 'ENAMETOOLONG':
      return errors.invalidParams(`a name in ${p} is longer than the file system allows`, data);
    case 'EACCES':
    case 'EPERM':
      return errors.forbidden(`permission denied on ${p}`, data);
    case 'ENOSPC':
    case 'EDQUOT':
      return errors.tooLarge(`no space left on the workspace disk for ${p}`, data);
    case 'EXDEV':
      return errors.conflict(`${p} lies on another disk`, data);
    case 'EBUSY':
      return errors.conflict(`${p} is busy`, data);
    case 'EROFS':
      return errors.forbidden(`${p} is on a read-only disk`, data);
    case 'ESPECIAL':
      return jailRefusal('special-file', rel, `${p} is ${(err as { kind?: string }).kind ?? 'a special file'}; only regular files and folders are served`);
    case 'EMLINK':
      return errors.conflict(`${p} has other hard links; it is replaced, never changed in place`, data);
    case 'EAGAIN':
      return errors.conflict(`${p} changed while it was opened; try again`, data);
    case 'EMFILE':
    case 'ENFILE':
      return errors.unavailable(`too many open files to work on ${p}; try again`, data);
    default:
      return errors.internal(`file operation on ${p} failed (${code ?? 'unknown error'})`, data);
  }
}

/** The message of an error, safe to show: a protocol error's own text, a file-system error restated for `rel`. */
export function safeMessage(err: unknown, rel: string): string {
  return fsError(err, rel).message;
}
