import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StorageFailedError } from '../../core/errors.js';
import { FILE_TASKS_IN_FLIGHT_MAX, forEachConcurrently } from './concurrency.js';
import { readDir } from './disk.js';
import { syncPath } from './file-io.js';

const execFileAsync = promisify(execFile);

/**
 * When the file system backend fsyncs (FileSystemStorageOptions.fsync tells what each promises):
 * 'batch' once per apply, 'always' also every file as it is written, 'never' not at all.
 */
export type FsyncMode = 'batch' | 'always' | 'never';

/**
 * Files from which one syncfs(2) of the base path's file system (coreutils' `sync -f`, Linux)
 * replaces a round of fsyncs. Each fsync writes and flushes its own file, so a round of
 * thousands is bound by the disk's flushes per second (measured here: about 7,000 files a
 * second, two files per entry), where syncfs writes them back together (8,000 new files in 70 to
 * 90 ms) for the cost of starting a process (a few ms), which a small batch would not repay.
 */
export const SYNCFS_FILES_MIN = 256;

/** What some writes changed: the files written and the directories whose names changed. */
export class Changes {
  readonly files: string[] = [];
  readonly dirs = new Set<string>();
}

export class Durability {
  /** Whether `sync -f` works on `basePath`: tried at the first round large enough to want it. */
  private syncfs: 'untried' | 'works' | 'fails';

  /** `basePath`: where the backend lives, all of it on one file system. */
  constructor(
    readonly mode: FsyncMode,
    private readonly basePath: string,
  ) {
    this.syncfs = mode === 'batch' && process.platform === 'linux' ? 'untried' : 'fails';
  }

  /** Whatever a call resolves has reached the disk. */
  get durable(): boolean {
    return this.mode !== 'never';
  }

  get syncsEachFile(): boolean {
    return this.mode === 'always';
  }

  /** Makes `changes` durable in one round: one syncfs, or concurrent fsyncs ('always': the files already are). */
  async sync(changes: Changes): Promise<void> {
    if (this.mode === 'never') return;
    if (this.syncfs !== 'fails' && changes.files.length >= SYNCFS_FILES_MIN && (await this.syncFileSystem())) return;
    const paths = this.mode === 'batch' ? [...changes.files, ...changes.dirs] : [...changes.dirs];
    await forEachConcurrently(paths, FILE_TASKS_IN_FLIGHT_MAX, syncPath);
  }

  /** Makes everything under `dir` durable: one syncfs, or a fsync of every file and directory. */
  async syncTree(dir: string): Promise<void> {
    if (this.mode === 'never') return;
    if (this.syncfs !== 'fails' && (await this.syncFileSystem())) return;
    await syncUnder(dir);
  }

  /**
   * False when the first try fails (no sync on PATH, or one without -f): fsyncs do, from then on.
   * Once it worked, a failure is the disk's (since Linux 5.8 syncfs reports a failed writeback).
   */
  private async syncFileSystem(): Promise<boolean> {
    try {
      await execFileAsync('sync', ['-f', this.basePath]);
    } catch (error) {
      if (this.syncfs === 'untried') {
        this.syncfs = 'fails';
        return false;
      }
      throw new StorageFailedError(`sync -f ${this.basePath} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.syncfs = 'works';
    return true;
  }
}

/** Children first, a directory's files concurrently, then the directory (which names them). */
async function syncUnder(dir: string): Promise<void> {
  const children = await readDir(dir);
  for (const child of children) if (child.isDirectory()) await syncUnder(join(dir, child.name));
  const files = children.filter((child) => !child.isDirectory()).map((child) => join(dir, child.name));
  await forEachConcurrently(files, FILE_TASKS_IN_FLIGHT_MAX, syncPath);
  await syncPath(dir);
}
