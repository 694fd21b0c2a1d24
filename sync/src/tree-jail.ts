// The tree jail: the one place where a path into a tree that a student can
// write (a workspace, a synced folder, the sync engine's state inside it) is
// checked and used. The agent's files service and the sync engine's replica,
// scanner and staging all go through it, so it lives here in sync/, the
// lowest package that touches disks (protocol <- sync <- agent).
//
// A path is resolved one component at a time from a held root folder
// (held-folder.ts: on Linux an open descriptor, so a folder swapped for a link
// after its check changes nothing), and the rules apply before anything is
// changed:
// - the text: no NUL byte, not absolute, no `..` (jail-errors.ts names why);
// - no component may be a link that leaves the root: a link met on the way
//   is read and its target walked in turn (`..` in a target climbs the held
//   folders, never above the root), or, with `links: 'none'` (sync), refused;
// - a final component is followed only where the caller asks and only inside
//   the root; a link that leads nowhere is never written through;
// - FIFOs, devices and sockets are refused without being opened;
// - files are replaced by rename (atomic-file.ts), never written in place,
//   so a hard-linked file's other names are never changed; a mode change on
//   a hard-linked file replaces it too;
// - links made here must resolve inside the root;
// - errors name the path as the client gave it, relative to the root.

import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { errors, ProtocolError } from '@classpod/protocol';
import { AtomicFile, tempNameFor } from './atomic-file';
import { fingerprintOf, placeGuarded, removeGuarded, type GuardedOutcome } from './guarded-place';
import { HeldFolder, specialKind, type OpenedFile } from './held-folder';
import { fsError, jailRefusal, shown } from './jail-errors';

/** How links inside the tree are treated on the way to a path: followed while they stay inside, or refused. */
export type LinkPolicy = 'inside' | 'none';

/** Most links followed while resolving one path (the kernel's own limit). */
const MAX_LINK_HOPS = 40;

export interface TreeJailOptions {
  /** Largest file read or written (bytes). Default: no limit. */
  maxFileBytes?: number;
  /** Default 'inside'. */
  links?: LinkPolicy;
  /** What the root is called in messages. Default "the workspace root". */
  label?: string;
}

/** Where a path resolved: the folders held on the way, and the name inside the last one. Release it. */
export class JailedEntry {
  constructor(
    /** The path as the client named it, normalised. */
    readonly rel: string,
    /** The folder holding `name` (or, when `name` is undefined, the folder the path names). */
    readonly folder: HeldFolder,
    /** The final name inside `folder`; undefined when the path is the folder itself. */
    readonly name: string | undefined,
    /** `lstat` of the final name; undefined when nothing is there (or for a folder). */
    readonly stat: Stats | undefined,
    /** True when a final link was followed to a name where nothing is. */
    readonly dangling: boolean,
    private readonly held: HeldFolder[],
  ) {}

  /** Where the path really is, relative to the root. */
  get realRel(): string {
    if (this.name === undefined) return this.folder.rel;
    return this.folder.rel ? `${this.folder.rel}/${this.name}` : this.name;
  }

  /** Close the folders held (never the root). */
  async release(): Promise<void> {
    await closeHeld(this.held);
  }

  /** Hand the held folders to a new owner: returns what releases them; `release()` then does nothing. */
  detach(): () => Promise<void> {
    const held = this.held.splice(0);
    return () => closeHeld(held);
  }

  /** Keep `folder` open past `release()` (its new owner closes it). */
  keepFolder(): HeldFolder {
    if (this.held.length > 1 && this.held[this.held.length - 1] === this.folder) this.held.pop();
    return this.folder;
  }
}

async function closeHeld(stack: HeldFolder[]): Promise<void> {
  while (stack.length > 1) await stack.pop()!.close().catch(() => undefined);
}

interface WalkOptions {
  /** Follow a final link (inside only), and enter a final folder. */
  follow: boolean;
  /** Make missing folders: the parents only, or the final component too. */
  create?: 'parents' | 'all';
  links?: LinkPolicy;
}

/** One jail around the real path of a root folder. Close it with `close()`. */
export class TreeJail {
  private constructor(
    /** Real path of the root when it was opened (for watchers, processes and logs; never for file access). */
    readonly root: string,
    /** The root, held open. */
    readonly rootFolder: HeldFolder,
    readonly maxFileBytes: number,
    readonly links: LinkPolicy,
    readonly label: string,
  ) {}

  /** Open a jail around `root` (a path the caller trusts), making the folder when `create`. */
  static async open(root: string, options: TreeJailOptions & { create?: boolean } = {}): Promise<TreeJail> {
    if (options.create) await fs.mkdir(root, { recursive: true });
    const real = await fs.realpath(root);
    const folder = await HeldFolder.open(real);
    return new TreeJail(real, folder, options.maxFileBytes ?? Number.POSITIVE_INFINITY, options.links ?? 'inside', options.label ?? 'the workspace root');
  }

  /** A jail around folder `rel` of this one, reached (and made, when `create`) through this jail's rules. */
  async subJail(rel: string, options: TreeJailOptions & { create?: boolean } = {}): Promise<TreeJail> {
    const e = await this.walk(rel, { follow: true, ...(options.create ? { create: 'all' as const } : {}) });
    try {
      if (e.name !== undefined) throw e.stat ? errorNotFolder(e.rel) : fsError({ code: 'ENOENT' }, e.rel);
      // The new jail owns the folder; the ones above it are closed.
      const jail = new TreeJail(
        path.join(this.root, e.folder.rel),
        e.folder === this.rootFolder ? await HeldFolder.open(this.root) : e.keepFolder(),
        options.maxFileBytes ?? this.maxFileBytes,
        options.links ?? this.links,
        options.label ?? this.label,
      );
      return jail;
    } finally {
      await e.release();
    }
  }

  async close(): Promise<void> {
    await this.rootFolder.close();
  }

  /** True when an absolute path is the root or below it (by text). */
  contains(abs: string): boolean {
    return abs === this.root || abs.startsWith(this.root + path.sep);
  }

  /** Relative path of an absolute path inside the root, with `/` separators. */
  relative(abs: string): string {
    return path.relative(this.root, abs).split(path.sep).join('/');
  }

  /** Check the text of a path; returns its segments (empty for the root). */
  segments(rel: string): string[] {
    if (rel.includes('\0')) throw jailRefusal('nul-byte', rel, `path ${JSON.stringify(rel)} contains a NUL byte`);
    if (rel.startsWith('/') || /^[A-Za-z]:[\\/]/.test(rel) || rel.startsWith('\\\\')) {
      throw jailRefusal('absolute', rel, `path \`${rel}\` is absolute; paths are relative to ${this.label}`);
    }
    const parts = rel.split('/').filter((s) => s !== '' && s !== '.');
    if (parts.includes('..')) throw jailRefusal('parent-segment', rel, `path \`${rel}\` leaves ${this.label} (\`..\` is not allowed)`);
    return parts;
  }

  /** Throw TooLarge when `size` is over the file limit. */
  checkSize(size: number, rel: string): void {
    if (size > this.maxFileBytes) {
      throw jailRefusal('too-large', rel, `file \`${rel}\` is ${size} bytes, over the limit of ${this.maxFileBytes} bytes`);
    }
  }

  /** The entry `rel` itself (a final link is not followed), its folder held. Release it. */
  entry(rel: string, options: { createParents?: boolean } = {}): Promise<JailedEntry> {
    return this.walk(rel, { follow: false, ...(options.createParents ? { create: 'parents' as const } : {}) });
  }

  /** What `rel` leads to (a final link followed while it stays inside); `name` is undefined for a folder. Release it. */
  resolve(rel: string): Promise<JailedEntry> {
    return this.walk(rel, { follow: true });
  }

  /** An existing file or folder (links followed inside the root only); special files refused. */
  async existing(rel: string): Promise<{ rel: string; stat: Stats }> {
    return this.use(this.resolve(rel), async (e) => ({ rel: e.rel, stat: await statOf(e) }));
  }

  /** An existing folder, with its real path for callers that must name it to another program (a terminal's cwd, a watcher). */
  async directory(rel: string): Promise<{ rel: string; abs: string; stat: Stats }> {
    return this.use(this.resolve(rel), async (e) => {
      if (e.name !== undefined) {
        await statOf(e);
        throw errorNotFolder(e.rel);
      }
      return { rel: e.rel, abs: path.join(this.root, e.folder.rel), stat: await e.folder.stat() };
    });
  }

  /** An existing regular file within the size limit, open for reading. Close the handle. */
  async openFile(rel: string): Promise<{ rel: string } & OpenedFile> {
    return this.use(this.resolve(rel), async (e) => {
      const st = await statOf(e);
      if (st.isDirectory()) throw errorIsFolder(e.rel);
      this.checkSize(st.size, e.rel);
      const opened = await e.folder.openRead(e.name!, st);
      return { rel: e.rel, ...opened };
    });
  }

  /** The bytes of a regular file within the size limit. */
  async readFile(rel: string): Promise<{ rel: string; data: Buffer; stat: Stats }> {
    const f = await this.openFile(rel);
    try {
      const data = await f.handle.readFile();
      return { rel: f.rel, data, stat: f.stat };
    } catch (err) {
      throw fsError(err, f.rel);
    } finally {
      await f.handle.close();
    }
  }

  /** The names in a folder with what each holds (links not followed); names vanishing meanwhile are left out. */
  async list(rel: string): Promise<{ rel: string; entries: Array<{ name: string; stat: Stats }> }> {
    return this.use(this.resolve(rel), async (e) => {
      if (e.name !== undefined) {
        await statOf(e);
        throw errorNotFolder(e.rel);
      }
      const entries: Array<{ name: string; stat: Stats }> = [];
      for (const name of (await e.folder.list()).sort()) {
        const stat = await e.folder.lstat(name).catch(() => undefined);
        if (stat) entries.push({ name, stat });
      }
      return { rel: e.rel, entries };
    });
  }

  /**
   * Start replacing file `rel` atomically. `mode` sees the existing file (a
   * final link followed while inside) and answers the new file's mode, or
   * throws to refuse; it runs before anything is changed, even before missing
   * parents are made (`createParents`).
   */
  async createFile(rel: string, options: { createParents?: boolean; mode: (existing: Stats | undefined) => number }): Promise<{ rel: string; file: AtomicFile }> {
    let e: JailedEntry;
    try {
      e = await this.walk(rel, { follow: true });
    } catch (err) {
      if (!options.createParents || !isNotFound(err)) throw err;
      options.mode(undefined);
      e = await this.walk(rel, { follow: true, create: 'parents' });
    }
    return this.use(Promise.resolve(e), async () => {
      if (e.name === undefined) {
        if (e.rel === '') throw jailRefusal('root', rel, `${this.label} itself cannot be replaced`);
        options.mode(await e.folder.stat());
        throw errorIsFolder(e.rel);
      }
      if (e.dangling) throw jailRefusal('dangling-symlink', e.rel, `${shown(e.rel)} is a symbolic link that leads nowhere; refusing to write through it`);
      if (e.stat && !e.stat.isFile()) await statOf(e);
      const mode = options.mode(e.stat);
      const file = await AtomicFile.create(e.folder, e.name, mode, e.detach());
      return { rel: e.rel, file };
    });
  }

  /** Replace file `rel` with `data` atomically; returns the new file's stat. */
  async writeFile(rel: string, data: Uint8Array, options: { createParents?: boolean; mode?: (existing: Stats | undefined) => number; fsync?: boolean } = {}): Promise<Stats> {
    this.checkSize(data.byteLength, rel);
    const { rel: norm, file } = await this.createFile(rel, { ...(options.createParents ? { createParents: true } : {}), mode: options.mode ?? ((st) => (st ? st.mode & 0o7777 : 0o644)) });
    try {
      await file.write(data);
    } catch (err) {
      await file.abort();
      throw fsError(err, norm);
    }
    return file.commit(options.fsync === undefined ? {} : { fsync: options.fsync }).catch((err: unknown) => {
      throw fsError(err, norm);
    });
  }

  /** Make folder `rel` (with its parents when `recursive`); returns its stat. */
  async mkdir(rel: string, options: { recursive?: boolean } = {}): Promise<{ rel: string; stat: Stats }> {
    if (options.recursive) {
      return this.use(this.walk(rel, { follow: true, create: 'all' }), async (e) => {
        if (e.name !== undefined) throw errorNotFolder(e.rel);
        return { rel: e.rel, stat: await e.folder.stat() };
      });
    }
    return this.use(this.entry(rel), async (e) => {
      if (e.name === undefined) throw fsError({ code: 'EEXIST' }, e.rel);
      if (e.stat) throw fsError({ code: 'EEXIST' }, e.rel);
      await e.folder.mkdir(e.name);
      return { rel: e.rel, stat: (await e.folder.lstat(e.name))! };
    });
  }

  /** Remove entry `rel` (a link itself, never its target); a non-empty folder only when `recursive`. */
  async remove(rel: string, options: { recursive?: boolean } = {}): Promise<void> {
    await this.use(this.entry(rel), async (e) => {
      if (e.name === undefined) throw jailRefusal('root', rel, `${this.label} itself cannot be removed`);
      if (!e.stat) throw fsError({ code: 'ENOENT' }, e.rel);
      if (!e.stat.isDirectory()) await e.folder.unlink(e.name);
      else if (options.recursive) await e.folder.removeTree(e.name);
      else {
        await e.folder.rmdir(e.name).catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') {
            throw fsError(err, e.rel);
          }
          throw err;
        });
      }
    });
  }

  /** Move entry `from` to `to` (both entries themselves; links are moved, not followed). */
  async rename(from: string, to: string, options: { overwrite?: boolean } = {}): Promise<void> {
    await this.use(this.entry(from), async (src) => {
      if (src.name === undefined) throw jailRefusal('root', from, `${this.label} itself cannot be moved`);
      if (!src.stat) throw fsError({ code: 'ENOENT' }, src.rel);
      await this.use(this.entry(to), async (dst) => {
        if (dst.name === undefined) throw jailRefusal('root', to, `${this.label} itself cannot be replaced`);
        if (dst.stat && !options.overwrite) throw fsError({ code: 'EEXIST' }, dst.rel);
        if (dst.realRel === src.realRel) return;
        if (dst.realRel.startsWith(src.realRel + '/')) throw errors.conflict(`cannot move ${shown(src.rel)} into itself`, { path: src.rel });
        await src.folder.rename(src.name!, dst.folder, dst.name);
      });
    });
  }

  /** Make (or replace) link `rel` with `target`, which must resolve inside the root. */
  async symlink(rel: string, target: string): Promise<void> {
    if (!(await this.linkLeadsInside(rel, target))) {
      throw jailRefusal('symlink-escape', rel, `the symbolic link ${shown(rel)} would lead outside ${this.label}`);
    }
    await this.use(this.entry(rel), async (e) => {
      if (e.name === undefined) throw jailRefusal('root', rel, `${this.label} itself cannot be replaced`);
      const temp = tempNameFor(e.name);
      await e.folder.symlink(target, temp);
      await e.folder.rename(temp, e.folder, e.name).catch(async (err: unknown) => {
        await e.folder.unlink(temp).catch(() => undefined);
        throw err;
      });
    });
  }

  /** Set the mode of regular file `rel` (the entry itself); a file with other hard links is replaced by a copy instead. */
  async setMode(rel: string, mode: number): Promise<void> {
    await this.use(this.entry(rel), async (e) => {
      if (e.name === undefined || !e.stat) throw fsError({ code: e.name === undefined ? 'EISDIR' : 'ENOENT' }, e.rel);
      const { handle, stat } = await e.folder.openRead(e.name, e.stat);
      try {
        if (stat.nlink === 1) {
          await handle.chmod(mode);
          return;
        }
        const copy = await AtomicFile.create(e.folder, e.name, mode);
        try {
          await copy.copyFrom(handle);
        } catch (err) {
          await copy.abort();
          throw err;
        }
        await copy.commit();
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * Put the regular file `source` (staged content) at entry `rel` with
   * `mode`, only when `rel` still is the version `expect` was taken from (its
   * `lstat` when the decision was made; null: nothing there). The content is
   * prepared beside the target first (moved when `move` and it has no other
   * links and lies on the same file system, copied otherwise); the name is
   * then taken by guarded-place.ts, so a save landing meanwhile is kept.
   * `changed` leaves the target and the source as they were.
   */
  async placeFile(rel: string, source: { folder: HeldFolder; name: string }, mode: number, options: { move: boolean; expect: Stats | null }): Promise<{ outcome: GuardedOutcome; moved: boolean }> {
    return this.use(this.entry(rel), async (e) => {
      if (e.name === undefined) throw jailRefusal('root', rel, `${this.label} itself cannot be replaced`);
      const temp = tempNameFor(e.name);
      let moved = false;
      const { handle, stat } = await source.folder.openRead(source.name);
      try {
        if (options.move && stat.nlink === 1) {
          await handle.chmod(mode);
          await source.folder.rename(source.name, e.folder, temp).then(
            () => (moved = true),
            (err: unknown) => {
              if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
            },
          );
        }
        if (!moved) {
          const out = await e.folder.createExclusive(temp, mode);
          try {
            await out.chmod(mode);
            const buffer = Buffer.allocUnsafe(1024 * 1024);
            for (let position = 0; ; ) {
              const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
              if (bytesRead === 0) break;
              for (let at = 0; at < bytesRead; ) at += (await out.write(buffer, at, bytesRead - at)).bytesWritten;
              position += bytesRead;
            }
          } catch (err) {
            await out.close().catch(() => undefined);
            await e.folder.unlink(temp).catch(() => undefined);
            throw err;
          }
          await out.close();
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
      let outcome: GuardedOutcome;
      try {
        outcome = await placeGuarded(e.folder, temp, e.name, options.expect ? fingerprintOf(options.expect) : null);
      } catch (err) {
        await this.putBack(e.folder, temp, source, moved);
        throw err;
      }
      if (outcome === 'changed') await this.putBack(e.folder, temp, source, moved);
      return { outcome, moved: moved && outcome === 'done' };
    });
  }

  /** Return content moved out of staging, or drop its copy. */
  private async putBack(folder: HeldFolder, temp: string, source: { folder: HeldFolder; name: string }, moved: boolean): Promise<void> {
    if (moved) await folder.rename(temp, source.folder, source.name).catch(() => folder.unlink(temp).catch(() => undefined));
    else await folder.unlink(temp).catch(() => undefined);
  }

  /** Remove the file or link at entry `rel` only when it still is the version `expect` was taken from (see placeFile). */
  async removeIfUnchanged(rel: string, expect: Stats): Promise<GuardedOutcome> {
    return this.use(this.entry(rel), async (e) => {
      if (e.name === undefined) throw jailRefusal('root', rel, `${this.label} itself cannot be removed`);
      if (!e.stat) return 'changed';
      return removeGuarded(e.folder, e.name, fingerprintOf(expect));
    });
  }

  /**
   * True when a link at `rel` with this target would resolve inside the root:
   * the target is relative, and walking it from the link's folder (through
   * the links that exist now) never leaves the root. Components that do not
   * exist yet are taken as folders.
   */
  async linkLeadsInside(rel: string, target: string): Promise<boolean> {
    if (target === '' || target.includes('\0') || path.posix.isAbsolute(target) || path.win32.isAbsolute(target) || target.includes('\\')) return false;
    const parts = this.segments(rel);
    if (parts.length === 0) return false;
    const stack: HeldFolder[] = [this.rootFolder];
    const queue = [...parts.slice(0, -1), ...target.split('/')];
    let hops = 0;
    try {
      while (queue.length > 0) {
        const name = queue.shift()!;
        if (name === '' || name === '.') continue;
        if (name === '..') {
          if (stack.length === 1) return false;
          await stack.pop()!.close();
          continue;
        }
        const top = stack[stack.length - 1]!;
        const st = await top.lstat(name);
        if (!st || (!st.isDirectory() && !st.isSymbolicLink())) {
          // Nothing (or a file) here: the rest of the target is read as text.
          let depth = 0;
          for (const n of queue) {
            if (n === '..') depth--;
            else if (n !== '' && n !== '.') depth++;
            if (depth < 0 && -depth > stack.length - 1) return false;
          }
          return true;
        }
        if (st.isSymbolicLink()) {
          if (++hops > MAX_LINK_HOPS) return false;
          const next = await top.readlink(name);
          if (path.posix.isAbsolute(next)) {
            const inside = this.insideRoot(next);
            if (inside === undefined) return false;
            await closeHeld(stack);
            queue.unshift(...inside.split('/'));
          } else queue.unshift(...next.split('/'));
          continue;
        }
        stack.push(await top.child(name));
      }
      return true;
    } catch {
      return false;
    } finally {
      await closeHeld(stack);
    }
  }

  /** An absolute path inside the root, as a relative path; undefined when it is outside. */
  private insideRoot(abs: string): string | undefined {
    const norm = path.posix.normalize(abs);
    if (norm === this.root) return '';
    if (norm.startsWith(this.root + '/')) return norm.slice(this.root.length + 1);
    return undefined;
  }

  private escape(rel: string): ProtocolError {
    return jailRefusal('symlink-escape', rel, `path ${shown(rel)} leads outside ${this.label} through a symbolic link`);
  }

  /** Run `fn` on an entry, release it, and restate any file-system error for the client's path. */
  private async use<T>(entry: Promise<JailedEntry>, fn: (e: JailedEntry) => Promise<T>): Promise<T> {
    const e = await entry;
    try {
      return await fn(e);
    } catch (err) {
      throw fsError(err, e.rel);
    } finally {
      await e.release();
    }
  }

  /** Resolve a path one component at a time from the held root (see the header). */
  private async walk(rel: string, o: WalkOptions): Promise<JailedEntry> {
    const parts = this.segments(rel);
    const norm = parts.join('/');
    const policy = o.links ?? this.links;
    const stack: HeldFolder[] = [this.rootFolder];
    const queue = [...parts];
    let hops = 0;
    let followedLast = false;
    try {
      while (queue.length > 0) {
        const name = queue.shift()!;
        if (name === '' || name === '.') continue;
        if (name === '..') {
          if (stack.length === 1) throw this.escape(norm);
          await stack.pop()!.close();
          continue;
        }
        const top = stack[stack.length - 1]!;
        const last = queue.length === 0;
        let st = await top.lstat(name);
        if (last && !o.follow) return new JailedEntry(norm, top, name, st, false, stack);
        if (!st) {
          const make = o.create === 'all' || (o.create === 'parents' && !last);
          if (!make) {
            if (last) return new JailedEntry(norm, top, name, undefined, followedLast, stack);
            throw fsError({ code: 'ENOENT' }, norm);
          }
          await top.mkdir(name).catch((err: unknown) => {
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          });
          st = await top.lstat(name);
          if (!st) throw fsError({ code: 'ENOENT' }, norm);
        }
        if (st.isSymbolicLink()) {
          const at = top.rel ? `${top.rel}/${name}` : name;
          if (policy === 'none') throw jailRefusal('symlink', norm, `${shown(norm)} goes through the symbolic link ${shown(at)}`);
          if (++hops > MAX_LINK_HOPS) throw jailRefusal('symlink-loop', norm, `${shown(norm)} goes through too many symbolic links`);
          const target = await top.readlink(name);
          if (last) followedLast = true;
          if (path.posix.isAbsolute(target)) {
            const inside = this.insideRoot(target);
            if (inside === undefined) throw this.escape(norm);
            await closeHeld(stack);
            queue.unshift(...inside.split('/'));
          } else queue.unshift(...target.split('/'));
          continue;
        }
        if (st.isDirectory()) {
          stack.push(await top.child(name));
          continue;
        }
        if (!last) throw fsError({ code: 'ENOTDIR' }, norm);
        return new JailedEntry(norm, top, name, st, false, stack);
      }
      return new JailedEntry(norm, stack[stack.length - 1]!, undefined, undefined, false, stack);
    } catch (err) {
      await closeHeld(stack);
      throw fsError(err, norm);
    }
  }
}

/** The stat of what an entry names: a folder's own, or the file's; special files and missing names refused. */
async function statOf(e: JailedEntry): Promise<Stats> {
  if (e.name === undefined) return e.folder.stat();
  if (!e.stat) throw fsError({ code: 'ENOENT' }, e.rel);
  if (!e.stat.isFile() && !e.stat.isDirectory()) {
    throw jailRefusal('special-file', e.rel, `${shown(e.rel)} is ${specialKind(e.stat)}; only regular files and folders are served`);
  }
  return e.stat;
}

function isNotFound(err: unknown): boolean {
  return ProtocolError.is(err, 'NotFound');
}

function errorNotFolder(rel: string): ProtocolError {
  return errors.conflict(`${shown(rel)} is not a folder`, { path: rel });
}

function errorIsFolder(rel: string): ProtocolError {
  return fsError({ code: 'EISDIR' }, rel);
}
