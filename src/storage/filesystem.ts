import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assert } from '../core/assert.js';
import type { Entry, ScanPage, ScanRequest } from '../core/keyspace.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';
import type { EntryMetadata } from './backend.js';
import { applySteps, redoJournaled, type LiveParts } from './filesystem/apply.js';
import { commitSteps, completeSteps, readJournal, removeLeftovers } from './filesystem/commit.js';
import { readCursor } from './filesystem/cursor-file.js';
import { Disk } from './filesystem/disk.js';
import { FILE_TASKS_IN_FLIGHT_MAX, forEachConcurrently } from './filesystem/concurrency.js';
import { Changes, Durability, type FsyncMode } from './filesystem/durability.js';
import { syncPath } from './filesystem/file-io.js';
import { FileWriters } from './filesystem/file-writers.js';
import { layoutOf, liveRootsOf, stagingRootsOf, type FsLayout } from './filesystem/layout.js';
import { checkStorablePath, planBatch } from './filesystem/plan.js';
import { clearJournal } from './filesystem/redo-journal.js';
import { EntryTree, type ScannedMetadata } from './filesystem/tree.js';
import { SerializedStorage } from './serialized-storage.js';

export type { FsyncMode } from './filesystem/durability.js';

export interface FileSystemStorageOptions {
  readonly basePath: string;
  /**
   * When to fsync (default 'batch'; true means 'batch', false 'never'):
   * - 'batch': one durability point per apply (group commit): its redo journal is synced before
   *   any data file changes, then the files and directories it wrote in one round (concurrent
   *   fsyncs, or for a large batch on Linux one syncfs of the file system, see
   *   filesystem/durability.ts) before the cursor and the journal's clearing; apply and
   *   stageCommit resolve `{ durable: true }`. The base path is one file system (no mount inside).
   * - 'always': also every file as it is written, the staging area's too; durable as 'batch'.
   *   For whoever wants each write on disk before the next one starts, whatever it costs.
   * - 'never': no fsync at all. Still atomic for readers, and consistent after a crash of the
   *   process (the kernel keeps what was written), not after a power loss; resolves
   *   `{ durable: false }`.
   */
  readonly fsync?: FsyncMode | boolean;
}

/**
 * The original's layout: the value of `path` in the file `{basePath}/{path}`. Beside it, under
 * `{basePath}/.nadb` (never listed; no path may enter it): metadata JSON per entry, the cursor,
 * the redo journal of the apply in progress, the staging area of a full resync, its commit
 * journal and temp files, and the entries whose path is also a directory (filesystem/entry-form.ts).
 * See filesystem/paths.ts for the paths refused, filesystem/plan.ts for where each entry goes,
 * filesystem/apply.ts for the journaled apply, filesystem/commit.ts for the crash-safe commit.
 * One process owns a base path at a time.
 *
 * An apply is atomic with its cursor: after a crash at any instant, open() finds the data and
 * cursor of a whole prefix of the applies made, never a part of one (filesystem/apply.ts).
 */
export class FileSystemStorage extends SerializedStorage {
  private readonly staged: EntryTree;
  /** False while an apply may have stopped midway (it failed): the next call redoes its journal. */
  private settled = true;

  private constructor(
    private readonly live: LiveParts,
    private readonly writers: FileWriters,
  ) {
    super();
    this.staged = new EntryTree(writers, stagingRootsOf(live.layout));
  }

  /** Where a primary on it persists its operation log (docs/OPERATION-LOG.md): under the reserved `.nadb`. */
  get operationLogDir(): string {
    return join(this.live.layout.nadb, 'oplog');
  }

  static async open(options: FileSystemStorageOptions): Promise<FileSystemStorage> {
    const layout = layoutOf(resolve(options.basePath));
    const mode = fsyncModeOf(options.fsync);
    const disk = new Disk(layout.tmp, mode !== 'never');
    // Temp files are what writes interrupted by a crash left: never a target's content.
    await rm(layout.tmp, { recursive: true, force: true });
    await disk.makeDirs(layout.tmp);
    await completeJournaledCommit(layout, disk);
    await removeLeftovers(layout);
    await disk.makeDirs(layout.meta);
    await disk.makeDirs(layout.dirEntries);
    await disk.syncDirs();
    const writers = new FileWriters();
    const live: LiveParts = { layout, disk, tree: new EntryTree(writers, liveRootsOf(layout)), durability: new Durability(mode, layout.base) };
    try {
      await redoJournaled(live);
      // The journal's name, made on the first open, survives from then on.
      if (live.durability.durable) await syncPath(layout.nadb);
    } catch (error) {
      await writers.close();
      throw error;
    }
    return new FileSystemStorage(live, writers);
  }

  checkStorable(op: Operation): void {
    checkStorablePath(op);
  }

  protected async applyNow(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    await this.settle();
    this.settled = false;
    for await (const _ of applySteps(this.live, operations, cursor));
    this.settled = true;
    return { durable: this.live.durability.durable };
  }

  protected async scanNow(request: ScanRequest): Promise<ScanPage> {
    const live = await this.liveTree();
    const { picked, done, resumeId } = await live.scanPage(request);
    const entries: Entry[] = new Array(picked.length);
    // In order in the page, read concurrently: one after another, a page waited on each file's round trips.
    await forEachConcurrently([...picked.keys()], FILE_TASKS_IN_FLIGHT_MAX, async (index) => {
      const scanned = picked[index] as ScannedMetadata;
      const entry = await live.readScanned(scanned);
      assert(entry !== undefined, `entry ${JSON.stringify(scanned.path)} vanished during a scan`);
      entries[index] = entry;
    });
    return resumeId === undefined ? { entries, done } : { entries, done, resumeId };
  }

  protected async stageBeginNow(): Promise<void> {
    // A decided commit's staging area is no leftover: complete the commit before clearing.
    await this.settle();
    await removeLeftovers(this.live.layout);
    this.staged.forget();
    await this.live.disk.makeDirs(this.live.layout.stagingData);
    await this.live.disk.makeDirs(this.live.layout.stagingMeta);
    await this.live.disk.makeDirs(this.live.layout.stagingDirEntries);
    await this.live.disk.syncDirs();
  }

  /** Planned like an apply, so a refused batch stages nothing; not journaled: a crash discards staging. */
  protected async stageApplyNow(operations: readonly Operation[]): Promise<void> {
    const changes = new Changes();
    const { durability } = this.live;
    for await (const _ of this.staged.writeSteps(await planBatch(this.staged, operations), changes, durability.syncsEachFile));
    // 'batch' makes the whole staging area durable once, in stageCommit.
    if (durability.syncsEachFile) await durability.sync(changes);
  }

  protected async stageCommitNow(cursor: Cursor): Promise<{ durable: boolean }> {
    const { layout, disk, durability, tree } = this.live;
    await this.settle();
    // 'always' synced each stageApply's files and directories already.
    if (durability.mode === 'batch') await durability.syncTree(layout.staging);
    // Cleared for good: a journaled batch redone over the committed data would corrupt it.
    await clearJournal(layout.redoJournal, durability.durable);
    try {
      for await (const _ of commitSteps(layout, disk, cursor));
    } finally {
      tree.forget();
    }
    return { durable: durability.durable };
  }

  protected async loadCursorNow(): Promise<Cursor | null> {
    await this.settle();
    return readCursor(this.live.layout);
  }

  protected async readNow(path: string): Promise<Entry | undefined> {
    return (await this.liveTree()).read(path);
  }

  protected async probeNow(path: string): Promise<EntryMetadata | undefined> {
    return (await this.liveTree()).probe(path);
  }

  /** Reads the directories on the way to `prefix`, then only as far as its paths go, up to pathsMax. */
  protected async listNow(prefix: string, pathsMax: number): Promise<string[]> {
    const paths: string[] = [];
    for await (const { path } of (await this.liveTree()).entriesFrom(prefix)) {
      // The walk is in code-unit order, where the paths with a prefix are contiguous.
      if (!path.startsWith(prefix)) break;
      paths.push(path);
      if (paths.length === pathsMax) break;
    }
    return paths;
  }

  /** No index of tags on disk: the walk reads every entry's metadata until pathsMax are found. */
  protected async listTaggedNow(tag: string, pathsMax: number): Promise<string[]> {
    const paths: string[] = [];
    for await (const { path, tags } of (await this.liveTree()).entries(null)) {
      if (!tags.includes(tag)) continue;
      paths.push(path);
      if (paths.length === pathsMax) break;
    }
    return paths;
  }

  protected async closeNow(): Promise<void> {
    // No file is held open between calls; the writer threads are.
    await this.writers.close();
  }

  private async liveTree(): Promise<EntryTree> {
    await this.settle();
    return this.live.tree;
  }

  /**
   * Before serving: completes a commit that failed once its journal was written (one read when
   * there is none), and redoes an apply that failed midway. Until then the live data is
   * half-replaced, which no reader may see. The failed commit forgot the tree's knowledge already.
   */
  private async settle(): Promise<void> {
    await completeJournaledCommit(this.live.layout, this.live.disk);
    if (this.settled) return;
    await redoJournaled(this.live);
    this.settled = true;
  }
}

function fsyncModeOf(fsync: FileSystemStorageOptions['fsync']): FsyncMode {
  if (fsync === undefined || fsync === true) return 'batch';
  return fsync === false ? 'never' : fsync;
}

/** Before serving: a commit whose journal exists was decided, and is completed. */
async function completeJournaledCommit(layout: FsLayout, disk: Disk): Promise<void> {
  const journal = await readJournal(layout);
  if (journal === undefined) return;
  for await (const _ of completeSteps(layout, disk, journal));
}
