// The description to show once an assignment's folder is open. Opening an
// assignment reloads the window into its folder, so the window that opened it
// cannot show the description itself: it leaves a note in the extension's
// storage, and the reloaded window takes the note and shows the folder's
// `.classpod/README.md`. A note is taken once, and only by its folder.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Where the hub writes an assignment's description in its folder. */
export const DESCRIPTION_PATH = '.classpod/README.md';

/** Notes older than this are stale (the window never opened the folder). */
const NOTE_LIFETIME_MS = 10 * 60_000;

interface Note {
  folder: string;
  at: number;
}

export class PendingDescription {
  private readonly file: string;

  constructor(
    storageRoot: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(storageRoot, 'pending-description.json');
  }

  /** Remember to show `folder`'s description when a window opens it. */
  async leave(folder: string): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.writeFile(this.file, JSON.stringify({ folder: path.resolve(folder), at: this.now() } satisfies Note));
  }

  /**
   * The description file to show for one of `folders`, when a fresh note names
   * one of them and the file exists; the note is gone afterwards either way,
   * unless it names another folder (another window may still take it).
   */
  async take(folders: readonly string[]): Promise<string | undefined> {
    let note: Note;
    try {
      note = JSON.parse(await fs.readFile(this.file, 'utf8')) as Note;
    } catch {
      return undefined;
    }
    const fresh = typeof note.at === 'number' && this.now() - note.at < NOTE_LIFETIME_MS;
    const mine = typeof note.folder === 'string' && folders.some((f) => path.resolve(f) === note.folder);
    if (fresh && !mine) return undefined;
    await fs.rm(this.file, { force: true });
    if (!fresh) return undefined;
    const description = path.join(note.folder, DESCRIPTION_PATH);
    return (await fs.stat(description).then((s) => s.isFile()).catch(() => false)) ? description : undefined;
  }
}
