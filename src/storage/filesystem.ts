import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assert } from '../core/assert.js';
import type { Entry, ScanPage, ScanRequest } from '../core/keyspace.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';
import type { EntryMetadata } from './backend.js';
import { commitSteps, completeSteps, readJournal, removeLeftovers } from './filesystem/commit.js';
import { readCursor, writeCursor } from './filesystem/cursor-file.js';
import { Disk } from './filesystem/disk.js';
import { layoutOf, type FsLayout } from './filesystem/layout.js';
import { checkPath } from './filesystem/paths.js';
import { EntryTree } from './filesystem/tree.js';
import { applyOperation } from './operation-target.js';
import { pickPage } from './scan-page.js';
import { SerializedStorage } from './serialized-storage.js';

export interface FileSystemStorageOptions {
  readonly basePath: string;
  /** fsync files and directories before a call resolves (default true); off: atomic, not durable. */
  readonly fsync?: boolean;
}

/**
 * The original's layout: the value of `path` in the file `{basePath}/{path}`. Beside it, under
 * `{basePath}/.nadb` (never listed; no path may enter it): metadata JSON per entry, the cursor,
 * the staging area of a full resync, its commit journal and temp files. See filesystem/paths.ts
 * for the paths refused, filesystem/tree.ts for files and directories, filesystem/commit.ts for
 * the crash-safe commit. One process owns a base path at a time.
 *
 * An apply is not atomic as a whole: a crash may leave a prefix of it, but never the cursor that
 * claims it, so the batch is replayed and every operation being absolute, converges.
 */
export class FileSystemStorage extends SerializedStorage {
  private readonly live: EntryTree;
  private readonly staged: EntryTree;

  private constructor(
    private readonly layout: FsLayout,
    private readonly disk: Disk,
  ) {
    super();
    this.live = new EntryTree(disk, layout.base, layout.meta);
    this.staged = new EntryTree(disk, layout.stagingData, layout.stagingMeta);
  }

  static async open(options: FileSystemStorageOptions): Promise<FileSystemStorage> {
    const layout = layoutOf(resolve(options.basePath));
    const disk = new Disk(layout.tmp, options.fsync ?? true);
    // Temp files are what writes interrupted by a crash left: never a target's content.
    await rm(layout.tmp, { recursive: true, force: true });
    await disk.makeDirs(layout.tmp);
    await completeJournaledCommit(layout, disk);
    await removeLeftovers(layout);
    await disk.makeDirs(layout.meta);
    await disk.syncDirs();
    return new FileSystemStorage(layout, disk);
  }

  protected async applyNow(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    await this.applyTo(await this.liveTree(), operations);
    if (cursor !== null) await writeCursor(this.layout, this.disk, cursor);
    return { durable: this.disk.fsync };
  }

  protected async scanNow(request: ScanRequest): Promise<ScanPage> {
    const live = await this.liveTree();
    const { picked, done } = await pickPage(live.entries(request.afterPath), request);
    const entries: Entry[] = [];
    for (const { path } of picked) {
      const entry = await live.read(path);
      assert(entry !== undefined, `entry ${JSON.stringify(path)} vanished during a scan`);
      entries.push(entry);
    }
    return { entries, done };
  }

  protected async stageBeginNow(): Promise<void> {
    // A decided commit's staging area is no leftover: complete the commit before clearing.
    await this.liveTree();
    await removeLeftovers(this.layout);
    await this.disk.makeDirs(this.layout.stagingData);
    await this.disk.makeDirs(this.layout.stagingMeta);
    await this.disk.syncDirs();
  }

  protected async stageApplyNow(operations: readonly Operation[]): Promise<void> {
    await this.applyTo(this.staged, operations);
  }

  protected async stageCommitNow(cursor: Cursor): Promise<{ durable: boolean }> {
    await drain(commitSteps(this.layout, this.disk, cursor));
    return { durable: this.disk.fsync };
  }

  protected async loadCursorNow(): Promise<Cursor | null> {
    await this.liveTree();
    return readCursor(this.layout);
  }

  protected async readNow(path: string): Promise<Entry | undefined> {
    return (await this.liveTree()).read(path);
  }

  protected async probeNow(path: string): Promise<EntryMetadata | undefined> {
    return (await this.liveTree()).probe(path);
  }

  protected async listNow(prefix: string): Promise<string[]> {
    const paths: string[] = [];
    for await (const { path } of (await this.liveTree()).entries(null)) if (path.startsWith(prefix)) paths.push(path);
    return paths;
  }

  protected async listTaggedNow(tag: string): Promise<string[]> {
    const paths: string[] = [];
    for await (const { path, tags } of (await this.liveTree()).entries(null)) if (tags.includes(tag)) paths.push(path);
    return paths;
  }

  protected async closeNow(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** Every path is checked before the first write, so a refused batch changes nothing. */
  private async applyTo(tree: EntryTree, operations: readonly Operation[]): Promise<void> {
    for (const op of operations) if (op.type !== 'FLUSH') checkPath(op.path);
    for (const op of operations) await applyOperation(tree, op);
    await this.disk.syncDirs();
  }

  /**
   * The live tree, after completing a commit that failed once its journal was written (one stat
   * when there is none): until then the live data is half-replaced, which no reader may see.
   */
  private async liveTree(): Promise<EntryTree> {
    await completeJournaledCommit(this.layout, this.disk);
    return this.live;
  }
}

/** Before serving: a commit whose journal exists was decided, and is completed. */
async function completeJournaledCommit(layout: FsLayout, disk: Disk): Promise<void> {
  const journal = await readJournal(layout);
  if (journal !== undefined) await drain(completeSteps(layout, disk, journal));
}

async function drain(steps: AsyncGenerator<void>): Promise<void> {
  for await (const _ of steps);
}
