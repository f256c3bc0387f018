import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { unlinkFile } from '../fd-calls.js';
import { syncPath, writeFromStart } from './file-io.js';

/**
 * The file system operations of what no journal covers (the cursor, the staged commit and its
 * journal), made crash-safe: files are replaced atomically (temp file, fsync, rename), and the
 * directories whose entries changed are fsynced by syncDirs(), which callers run before they
 * persist anything that claims those changes. With `fsync` false nothing is fsynced: still
 * atomic for readers, not durable. Batches are journaled instead (apply.ts, file-writers.ts).
 */
export class Disk {
  private readonly dirtyDirs = new Set<string>();

  constructor(
    private readonly tmpDir: string,
    readonly fsync: boolean,
  ) {}

  /** `target` then holds the old bytes or the new ones, never a part, even after a crash. */
  async writeAtomic(target: string, text: string): Promise<void> {
    const temp = join(this.tmpDir, randomUUID());
    try {
      await writeFromStart(temp, [Buffer.from(text)], { truncate: false, sync: this.fsync });
      await rename(temp, target);
    } catch (error) {
      // The write's failure is the one to report: a temp file left behind goes at the next open.
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    this.dirtyDirs.add(dirname(target));
  }

  async move(from: string, to: string): Promise<void> {
    await rename(from, to);
    this.dirtyDirs.add(dirname(from));
    this.dirtyDirs.add(dirname(to));
  }

  /** Removes a file; a missing one is already removed. */
  async remove(file: string): Promise<void> {
    try {
      await unlinkFile(file);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    this.dirtyDirs.add(dirname(file));
  }

  async makeDirs(dir: string): Promise<void> {
    const first = await mkdir(dir, { recursive: true });
    if (first === undefined) return;
    // Each new directory's name lives in its parent; the first one's parent already existed.
    for (let created = dir; created !== dirname(first); created = dirname(created)) this.dirtyDirs.add(dirname(created));
  }

  /** Makes every change since the last call durable (when fsync is on). */
  async syncDirs(): Promise<void> {
    const dirs = [...this.dirtyDirs];
    this.dirtyDirs.clear();
    if (!this.fsync) return;
    // One removed since it changed needs none: its parent, which recorded the removal, is synced too.
    for (const dir of dirs) await syncPath(dir);
  }
}

/** The file's content, or undefined when it (or a directory on its way) does not exist. */
export async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The file's content; 'directory' when a directory is there; undefined when nothing is. */
export async function readUnlessDir(file: string): Promise<Buffer | 'directory' | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isCode(error, 'EISDIR')) return 'directory';
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** A directory's entries; none when it (or a directory on its way) does not exist. */
export async function readDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/**
 * No file there: nothing at all, or `a/b` when `a` is a file (ENOTDIR), or a directory where a file
 * was looked for (EISDIR: `a` holds entries under `a/`, it is not one).
 */
export function isMissing(error: unknown): boolean {
  return isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR') || isCode(error, 'EISDIR');
}

export function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
