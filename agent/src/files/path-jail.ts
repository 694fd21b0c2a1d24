// Keeps every path a client names inside the workspace root. A path is refused,
// with an error naming the reason and the path, when it holds a NUL byte, is
// absolute, climbs with `..`, reaches outside the root through a symbolic link
// (the real path of every existing prefix is checked), names a device, FIFO or
// socket, or is a file over the size limit.

import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { errors, ProtocolError } from '@classpod/protocol';

/** Why a path was refused; carried in the error's data as `reason`. */
export type JailReason = 'nul-byte' | 'absolute' | 'parent-segment' | 'symlink-escape' | 'dangling-symlink' | 'special-file' | 'too-large' | 'root';

function refuse(reason: JailReason, rel: string, message: string): ProtocolError {
  const make = reason === 'too-large' ? errors.tooLarge : errors.forbidden;
  return make(message, { reason, path: rel });
}

/** A path inside the root, checked. */
export interface JailedPath {
  /** Normalised relative path (`` for the root). */
  rel: string;
  /** Absolute real path on disk (symbolic links inside the root resolved). */
  abs: string;
}

/** A checked path whose target exists. */
export interface ExistingPath extends JailedPath {
  stat: Stats;
}

/** A checked path that may or may not exist yet, in an existing directory. */
export interface CreatablePath extends JailedPath {
  /** Real path of the parent directory. */
  parentAbs: string;
  /** Stat of the existing target (symbolic links followed), if any. */
  stat: Stats | undefined;
}

/** The kind of a special file, for messages. */
function specialKind(st: Stats): string | undefined {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (!st.isFile() && !st.isDirectory()) return 'not a regular file or directory';
  return undefined;
}

/** Map a file-system error to a protocol error naming the path. */
export function fsError(err: unknown, rel: string): ProtocolError {
  if (err instanceof ProtocolError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const shown = `\`${rel || '.'}\``;
  switch (code) {
    case 'ENOENT':
      return errors.notFound(`${shown} does not exist`, { path: rel });
    case 'EEXIST':
      return errors.conflict(`${shown} already exists`, { path: rel });
    case 'ENOTEMPTY':
      return errors.conflict(`directory ${shown} is not empty`, { path: rel });
    case 'ENOTDIR':
      return errors.conflict(`a part of ${shown} is not a directory`, { path: rel });
    case 'EISDIR':
      return errors.conflict(`${shown} is a directory`, { path: rel });
    case 'EACCES':
    case 'EPERM':
      return errors.forbidden(`permission denied on ${shown}`, { path: rel });
    case 'ENOSPC':
      return errors.tooLarge(`no space left on the workspace disk for ${shown}`, { path: rel });
    default:
      return errors.internal(`file operation on ${shown} failed: ${(err as Error).message}`, { path: rel });
  }
}

/** The jail: one per agent, around the real path of the workspace root. */
export class PathJail {
  private constructor(
    /** Real path of the root. */
    readonly root: string,
    /** Largest file served (bytes). */
    readonly maxFileBytes: number,
  ) {}

  static async create(root: string, maxFileBytes: number): Promise<PathJail> {
    return new PathJail(await fs.realpath(root), maxFileBytes);
  }

  /** True when an absolute real path is the root or below it. */
  contains(abs: string): boolean {
    return abs === this.root || abs.startsWith(this.root + path.sep);
  }

  /** Relative path of an absolute path inside the root, with `/` separators. */
  relative(abs: string): string {
    return path.relative(this.root, abs).split(path.sep).join('/');
  }

  /** Check the text of a path; returns its segments (empty for the root). */
  segments(rel: string): string[] {
    if (rel.includes('\0')) throw refuse('nul-byte', rel, `path ${JSON.stringify(rel)} contains a NUL byte`);
    if (rel.startsWith('/') || /^[A-Za-z]:[\\/]/.test(rel) || rel.startsWith('\\\\')) {
      throw refuse('absolute', rel, `path \`${rel}\` is absolute; paths are relative to the workspace root`);
    }
    const parts = rel.split('/').filter((s) => s !== '' && s !== '.');
    if (parts.includes('..')) throw refuse('parent-segment', rel, `path \`${rel}\` leaves the workspace root (\`..\` is not allowed)`);
    return parts;
  }

  /** An existing file or directory (symbolic links followed, inside the root only). */
  async existing(rel: string): Promise<ExistingPath> {
    const parts = this.segments(rel);
    const norm = parts.join('/');
    const joined = path.join(this.root, ...parts);
    let real: string;
    try {
      real = await fs.realpath(joined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(err, norm);
      await this.checkDeepestPrefix(parts, norm);
      throw fsError(err, norm);
    }
    if (!this.contains(real)) throw this.escape(norm);
    const stat = await fs.stat(real).catch((err: unknown) => {
      throw fsError(err, norm);
    });
    const special = specialKind(stat);
    if (special) throw refuse('special-file', norm, `\`${norm}\` is ${special}; only regular files and directories are served`);
    return { rel: norm, abs: real, stat };
  }

  /** An existing directory. */
  async directory(rel: string): Promise<ExistingPath> {
    const p = await this.existing(rel);
    if (!p.stat.isDirectory()) throw errors.conflict(`\`${p.rel || '.'}\` is not a directory`, { path: p.rel });
    return p;
  }

  /** An existing regular file within the size limit. */
  async readableFile(rel: string): Promise<ExistingPath> {
    const p = await this.existing(rel);
    if (p.stat.isDirectory()) throw errors.conflict(`\`${p.rel || '.'}\` is a directory`, { path: p.rel });
    this.checkSize(p.stat.size, p.rel);
    return p;
  }

  /** Throw TooLarge when `size` is over the file limit. */
  checkSize(size: number, rel: string): void {
    if (size > this.maxFileBytes) {
      throw refuse('too-large', rel, `file \`${rel}\` is ${size} bytes, over the limit of ${this.maxFileBytes} bytes`);
    }
  }

  /**
   * A path to create or replace: its parent must exist inside the root; an
   * existing target is followed if it is a symbolic link that stays inside.
   */
  async creatable(rel: string): Promise<CreatablePath> {
    const parts = this.segments(rel);
    const norm = parts.join('/');
    if (parts.length === 0) throw refuse('root', rel, 'the workspace root itself cannot be replaced');
    const parent = await this.directory(parts.slice(0, -1).join('/')).catch((err: unknown) => {
      throw this.forChild(err, norm, `the folder of \`${norm}\` does not exist`);
    });
    const leaf = path.join(parent.abs, parts[parts.length - 1]!);
    let lst: Stats;
    try {
      lst = await fs.lstat(leaf);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rel: norm, abs: leaf, parentAbs: parent.abs, stat: undefined };
      throw fsError(err, norm);
    }
    if (lst.isSymbolicLink()) {
      let real: string;
      try {
        real = await fs.realpath(leaf);
      } catch {
        throw refuse('dangling-symlink', norm, `\`${norm}\` is a symbolic link that leads nowhere; refusing to write through it`);
      }
      if (!this.contains(real)) throw this.escape(norm);
      const stat = await fs.stat(real);
      const special = specialKind(stat);
      if (special) throw refuse('special-file', norm, `\`${norm}\` is ${special}; only regular files and directories are served`);
      return { rel: norm, abs: real, parentAbs: path.dirname(real), stat };
    }
    const special = specialKind(lst);
    if (special) throw refuse('special-file', norm, `\`${norm}\` is ${special}; only regular files and directories are served`);
    return { rel: norm, abs: leaf, parentAbs: parent.abs, stat: lst };
  }

  /** A directory entry itself (a symbolic link is not followed): for delete and rename. */
  async entry(rel: string): Promise<ExistingPath> {
    const parts = this.segments(rel);
    const norm = parts.join('/');
    if (parts.length === 0) throw refuse('root', rel, 'the workspace root itself cannot be removed or moved');
    const parent = await this.directory(parts.slice(0, -1).join('/')).catch((err: unknown) => {
      throw this.forChild(err, norm, `\`${norm}\` does not exist`);
    });
    const abs = path.join(parent.abs, parts[parts.length - 1]!);
    const stat = await fs.lstat(abs).catch((err: unknown) => {
      throw fsError(err, norm);
    });
    return { rel: norm, abs, stat };
  }

  /** An error about a parent folder, restated for the path the client named. */
  private forChild(err: unknown, rel: string, notFound: string): unknown {
    if (ProtocolError.is(err, 'NotFound')) return errors.notFound(notFound, { path: rel });
    if (ProtocolError.is(err, 'Forbidden') && (err.data as { reason?: string }).reason === 'symlink-escape') return this.escape(rel);
    return err;
  }

  private escape(rel: string): ProtocolError {
    return refuse('symlink-escape', rel, `path \`${rel}\` leads outside the workspace root through a symbolic link`);
  }

  /** For a path that does not exist: the real path of its deepest existing prefix must be inside. */
  private async checkDeepestPrefix(parts: string[], norm: string): Promise<void> {
    for (let i = parts.length - 1; i >= 0; i--) {
      try {
        const real = await fs.realpath(path.join(this.root, ...parts.slice(0, i)));
        if (!this.contains(real)) throw this.escape(norm);
        return;
      } catch (err) {
        if (err instanceof ProtocolError) throw err;
      }
    }
  }
}
