// A folder held open, and every operation on a name inside it. This is the
// bottom of the tree jail (tree-jail.ts): the rules that do not depend on
// where the folder is are enforced here, for every caller alike.
//
// - On Linux the folder is an open file descriptor and a name inside it is
//   reached as `/proc/self/fd/N/name`: the kernel resolves that from the
//   folder itself, so renaming or swapping a folder above it for a link after
//   the check changes nothing (the user-space form of openat(2)). Where /proc
//   is missing (macOS, Windows, a sandbox without /proc) the folder is held
//   by its checked path instead, and a race with a process swapping folders
//   for links remains; the extension's own machine is such a place.
// - A name is never followed: `lstat` first, a child folder opened with
//   O_DIRECTORY|O_NOFOLLOW, a file with O_NOFOLLOW|O_NONBLOCK and `fstat`-ed
//   afterwards, so a FIFO, a device or a socket is refused without being
//   opened, and one swapped in after the `lstat` is refused without blocking.
// - New files are created exclusively (O_CREAT|O_EXCL, which never follows a
//   link); temporary names are random (atomic-file.ts).
// - A file with more than one hard link is never written or chmod-ed in
//   place: `openForUpdate` refuses it, and callers replace it by rename.
//
// Names given here are single path components, already checked by the jail.

import { constants as C, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';

const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_NONBLOCK = C.O_NONBLOCK ?? 0;
const O_DIRECTORY = C.O_DIRECTORY ?? 0;

/** A file-system error with a code, like Node's own (its message names no path). */
export function fsFailure(code: string, what: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${what}`);
  err.code = code;
  return err;
}

/** True when both stats describe the same file. */
function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Whether names inside an open folder can be reached as /proc/self/fd/N/name here (probed once). */
let anchoring: Promise<boolean> | undefined;

async function canAnchor(handle: fs.FileHandle): Promise<boolean> {
  anchoring ??= (async () => {
    if (process.platform !== 'linux') return false;
    try {
      const [viaProc, direct] = await Promise.all([fs.stat(`/proc/self/fd/${handle.fd}`), handle.stat()]);
      return sameFile(viaProc, direct);
    } catch {
      return false;
    }
  })();
  return anchoring;
}

/** An open regular file and what `fstat` said about it. */
export interface OpenedFile {
  handle: fs.FileHandle;
  stat: Stats;
}

/** A folder held open. Close it with `close()`; a child outlives nothing but its own use. */
export class HeldFolder {
  private closed = false;

  private constructor(
    /** Position relative to the jail's root, with `/` separators (`` for the root). */
    readonly rel: string,
    /** Where names inside are reached: `/proc/self/fd/N` or the folder's checked path. */
    private readonly anchor: string,
    /** The open folder (fd mode only). */
    private readonly handle: fs.FileHandle | undefined,
  ) {}

  /** Open a folder by a path the caller trusts (a configured root), resolving links in it. */
  static async open(absPath: string, rel = ''): Promise<HeldFolder> {
    const real = await fs.realpath(absPath);
    if (process.platform === 'linux') {
      const handle = await fs.open(real, C.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      if (await canAnchor(handle)) return new HeldFolder(rel, `/proc/self/fd/${handle.fd}`, handle);
      await handle.close();
    }
    const st = await fs.stat(real);
    if (!st.isDirectory()) throw fsFailure('ENOTDIR', 'not a folder');
    return new HeldFolder(rel, real, undefined);
  }

  /** True when names are reached through the open folder itself (race-free). */
  get anchored(): boolean {
    return this.handle !== undefined;
  }

  /** The path to hand to a file-system call for `name` inside this folder (`` for the folder itself). */
  at(name = ''): string {
    if (this.closed) throw new Error(`folder \`${this.rel || '.'}\` was used after it was closed`);
    return name === '' ? this.anchor : `${this.anchor}/${name}`;
  }

  private childRel(name: string): string {
    return this.rel ? `${this.rel}/${name}` : name;
  }

  /** The entry `name` itself (a link is not followed); undefined when nothing is there. */
  async lstat(name: string): Promise<Stats | undefined> {
    try {
      return await fs.lstat(this.at(name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** This folder's own stat. */
  async stat(): Promise<Stats> {
    return this.handle ? this.handle.stat() : fs.stat(this.anchor);
  }

  /** The names in this folder. */
  list(): Promise<string[]> {
    return fs.readdir(this.at());
  }

  readlink(name: string): Promise<string> {
    return fs.readlink(this.at(name));
  }

  /** Open child folder `name`; a link, a file or anything else there is refused (ELOOP, ENOTDIR). */
  async child(name: string): Promise<HeldFolder> {
    if (this.handle) {
      const handle = await fs.open(this.at(name), C.O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
      return new HeldFolder(this.childRel(name), `/proc/self/fd/${handle.fd}`, handle);
    }
    const st = await fs.lstat(this.at(name));
    if (st.isSymbolicLink()) throw fsFailure('ELOOP', 'a symbolic link');
    if (!st.isDirectory()) throw fsFailure('ENOTDIR', 'not a folder');
    return new HeldFolder(this.childRel(name), path.join(this.anchor, name), undefined);
  }

  /**
   * Open regular file `name` for reading. `seen` is its `lstat` when the
   * caller has it. Anything but a regular file is refused before it is
   * opened (ELOOP for a link, EINVAL for a special file); one swapped in
   * between is refused after a non-blocking open, by `fstat`.
   */
  async openRead(name: string, seen?: Stats): Promise<OpenedFile> {
    return this.openChecked(name, C.O_RDONLY, seen);
  }

  /**
   * Open regular file `name` to change it in place (resume a partial upload):
   * refused like `openRead`, and also when it has other hard links (EMLINK),
   * which must be replaced by rename instead.
   */
  async openForUpdate(name: string, seen?: Stats): Promise<OpenedFile> {
    const opened = await this.openChecked(name, C.O_RDWR, seen);
    if (opened.stat.nlink > 1) {
      await opened.handle.close();
      throw fsFailure('EMLINK', 'a file with other hard links');
    }
    return opened;
  }

  private async openChecked(name: string, flags: number, seen?: Stats): Promise<OpenedFile> {
    const before = seen ?? (await fs.lstat(this.at(name)));
    refuseUnlessRegular(before);
    const handle = await fs.open(this.at(name), flags | O_NOFOLLOW | O_NONBLOCK);
    try {
      const stat = await handle.stat();
      refuseUnlessRegular(stat);
      if (!sameFile(stat, before)) throw fsFailure('EAGAIN', 'the file was replaced while it was opened');
      return { handle, stat };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Create file `name`, which must not exist (never follows a link). */
  createExclusive(name: string, mode: number, flags: number = C.O_WRONLY): Promise<fs.FileHandle> {
    return fs.open(this.at(name), flags | C.O_CREAT | C.O_EXCL | O_NOFOLLOW | O_NONBLOCK, mode);
  }

  mkdir(name: string, mode = 0o777): Promise<void> {
    return fs.mkdir(this.at(name), { mode });
  }

  unlink(name: string): Promise<void> {
    return fs.unlink(this.at(name));
  }

  rmdir(name: string): Promise<void> {
    return fs.rmdir(this.at(name));
  }

  /** Give file `name` a second name `toName` in `to` (fails when `toName` exists: a rename that never replaces). */
  link(name: string, to: HeldFolder, toName: string): Promise<void> {
    return fs.link(this.at(name), to.at(toName));
  }

  /** Make link `name` with this target (fails when `name` exists). */
  symlink(target: string, name: string): Promise<void> {
    return fs.symlink(target, this.at(name));
  }

  /** Move entry `name` to `toName` in folder `to` (replacing what is there, as rename(2) does). */
  rename(name: string, to: HeldFolder, toName: string): Promise<void> {
    return fs.rename(this.at(name), to.at(toName));
  }

  /** Remove entry `name`: a link or file is unlinked; a folder is emptied through held children, never through a link. */
  async removeTree(name: string): Promise<void> {
    const st = await this.lstat(name);
    if (!st) return;
    if (!st.isDirectory()) {
      await this.unlink(name);
      return;
    }
    const child = await this.child(name);
    try {
      for (const n of await child.list()) await child.removeTree(n);
    } finally {
      await child.close();
    }
    await this.rmdir(name);
  }

  /** Flush this folder's entries to disk (where a folder can be opened). */
  async sync(): Promise<void> {
    if (this.handle) {
      await this.handle.sync();
      return;
    }
    if (process.platform === 'win32') return;
    const dir = await fs.open(this.anchor, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle?.close();
  }
}

/** Throw unless the stat is of a regular file: ELOOP for a link, EINVAL (special file) otherwise, EISDIR for a folder. */
function refuseUnlessRegular(st: Stats): void {
  if (st.isFile()) return;
  if (st.isSymbolicLink()) throw fsFailure('ELOOP', 'a symbolic link');
  if (st.isDirectory()) throw fsFailure('EISDIR', 'a folder');
  throw Object.assign(fsFailure('ESPECIAL', specialKind(st)), { kind: specialKind(st) });
}

/** What a special file is, for messages. */
export function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file or folder';
}
