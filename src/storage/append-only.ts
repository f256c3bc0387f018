import './path-hash-seed.js';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assert } from '../core/assert.js';
import { StorageFailedError } from '../core/errors.js';
import type { Entry, ScanPage, ScanRequest } from '../core/keyspace.js';
import { KeyspaceStore } from '../core/keyspace-store.js';
import type { Operation } from '../core/operation.js';
import type { Cursor, StorageRequest } from '../core/storage-request.js';
import { ConfigError } from '../core/errors.js';
import { Appender, installTemp, replay, tempOf, writeWhole } from './append-only/append-file.js';
import { REWRITE_GROWTH_FACTOR, REWRITE_MIN_BYTES } from './append-only/limits.js';
import { encodeRecord } from './append-only/record.js';
import { BackgroundRewrite, recordsOf } from './append-only/rewrite.js';
import type { EntryMetadata } from './backend.js';
import type { FsyncMode } from './filesystem/durability.js';
import { isMissing } from './filesystem/disk.js';
import { listPaths, listTaggedPaths, metadataOf } from './keyspace-reads.js';
import { SerializedStorage } from './serialized-storage.js';

export interface AppendOnlyStorageOptions {
  /** The directory of the file `appendonly.nadb` (made if missing). One process owns it at a time. */
  readonly basePath: string;
  /**
   * 'batch' (default, also true) and 'always': every apply's record is fdatasynced before the
   * apply resolves `{ durable: true }` (one file: there is nothing more to sync one by one).
   * 'never' (also false): no fsync; whole after a crash of the process, not of the machine.
   */
  readonly fsync?: FsyncMode | boolean;
  /** Rewrite the file once it passes this many bytes (and twice its size after the last rewrite). */
  readonly rewriteMinBytes?: number;
}

const FILE_NAME = 'appendonly.nadb';

/**
 * The whole keyspace in memory, as MemoryStorage keeps it (the same KeyspaceStore, so the same
 * meaning), made durable by an append-only file, as Redis' AOF does: each apply appends one record
 * (its operations and cursor, with a CRC-32) and fdatasyncs it before it resolves, so a batch costs
 * one write and one sync whatever its size and however many paths it touches. The file is
 * rewritten as one SET per entry when it has doubled (append-only/limits.ts), and a full resync's
 * staged keyspace is committed by writing it as the new file and renaming it into place.
 * open() replays the file; a torn last record is cut, a damaged one with records after it is an
 * error (append-only/append-file.ts); a file of the first format is written anew in the current one.
 *
 * Against FileSystemStorage: no file per entry (which costs a file creation each, the bound of
 * that backend's write rate), but the data must fit in memory, and it is not readable as files.
 */
export class AppendOnlyStorage extends SerializedStorage {
  private rewriteAtBytes: number;
  /** The background rewrite under way, and its completion (renamed into place, or given up). */
  private rewriting: { readonly rewrite: BackgroundRewrite; readonly done: Promise<void> } | undefined;
  /** Why the last background rewrite failed, until a call reports it. */
  private rewriteFailure: string | undefined;

  private constructor(
    private readonly file: string,
    private readonly store: KeyspaceStore,
    private appender: Appender,
    private readonly settings: { readonly sync: boolean; readonly rewriteMinBytes: number },
    /** Bytes of a torn tail that open() cut: an apply that was under way when the process died. */
    readonly cutBytesAtOpen: number,
  ) {
    super();
    this.rewriteAtBytes = this.nextRewriteAt();
  }

  /** Where a primary on it persists its operation log (docs/OPERATION-LOG.md). */
  get operationLogDir(): string {
    return join(dirname(this.file), 'oplog');
  }

  static async open(options: AppendOnlyStorageOptions): Promise<AppendOnlyStorage> {
    const basePath = resolve(options.basePath);
    const file = join(basePath, FILE_NAME);
    const sync = syncOf(options.fsync);
    const rewriteMinBytes = options.rewriteMinBytes ?? REWRITE_MIN_BYTES;
    if (!(rewriteMinBytes > 0)) throw new ConfigError(`rewriteMinBytes must be positive, got ${rewriteMinBytes}`);
    await mkdir(basePath, { recursive: true });
    // What a rewrite or a staged commit left when it did not reach its rename: never the data.
    await rm(tempOf(file), { force: true });
    if (!(await exists(file))) await writeWhole(file, [], sync);
    const store = new KeyspaceStore();
    const replayed = await replay(file, (record) => execute(store, { kind: 'apply', ...record }), sync);
    // A file of the first format is written anew in this one: appends go only to a file of marked records.
    const bytes = replayed.marked ? replayed.bytes : await writeWhole(file, recordsOf(store.live, store.cursor), sync);
    return new AppendOnlyStorage(file, store, await Appender.open(file, bytes), { sync, rewriteMinBytes }, replayed.cutBytes);
  }

  /**
   * Rewrites the file now (one SET per entry), as it is rewritten on its own once it has doubled,
   * and resolves once the new file is in place; applies go on meanwhile.
   */
  async rewrite(): Promise<void> {
    // Boxed: a task resolving to the completion itself would wait for it in the queue, ahead of it.
    const { done } = await this.enqueue(async () => ({ done: this.startRewrite() }));
    await done;
    await this.enqueue(async () => this.reportRewriteFailure());
  }

  protected async applyNow(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    this.reportRewriteFailure();
    if (operations.length === 0 && cursor === null) return { durable: this.settings.sync };
    const record = encodeRecord({ operations, cursor });
    // On disk first: memory never holds what a failed append left out.
    await this.appender.append(record, this.settings.sync);
    execute(this.store, { kind: 'apply', operations, cursor });
    this.rewriting?.rewrite.keep(record);
    if (this.appender.bytes >= this.rewriteAtBytes) void this.startRewrite();
    return { durable: this.settings.sync };
  }

  protected async scanNow(request: ScanRequest): Promise<ScanPage> {
    return this.store.live.scan(request);
  }

  protected async stageBeginNow(): Promise<void> {
    execute(this.store, { kind: 'stageBegin' });
  }

  /** In memory only: a staging area does not survive a restart (the contract's point 6). */
  protected async stageApplyNow(operations: readonly Operation[]): Promise<void> {
    execute(this.store, { kind: 'stageApply', operations });
  }

  /** The staged keyspace and the cursor become the file, by one rename; then they become the live data. */
  protected async stageCommitNow(cursor: Cursor): Promise<{ durable: boolean }> {
    const staged = this.store.staged;
    assert(staged !== null, 'stageCommit without a staging area');
    this.reportRewriteFailure();
    await this.stopRewrite('a staged commit replaces the file');
    let bytes: number;
    try {
      bytes = await writeWhole(this.file, recordsOf(staged, cursor), this.settings.sync);
    } catch (error) {
      // Past the rename, appends to the old descriptor would go to a file no longer named.
      this.appender.refuse(error);
      throw error;
    }
    await this.reopenAppender(bytes);
    execute(this.store, { kind: 'stageCommit', cursor });
    return { durable: this.settings.sync };
  }

  protected async loadCursorNow(): Promise<Cursor | null> {
    return this.store.cursor;
  }

  protected async readNow(path: string): Promise<Entry | undefined> {
    return this.store.live.get(path);
  }

  protected async probeNow(path: string): Promise<EntryMetadata | undefined> {
    return metadataOf(this.store.live.peek(path));
  }

  protected async listNow(prefix: string, pathsMax: number): Promise<string[]> {
    return listPaths(this.store.live, prefix, pathsMax);
  }

  protected async listTaggedNow(tag: string, pathsMax: number): Promise<string[]> {
    return listTaggedPaths(this.store.live, tag, pathsMax);
  }

  protected async closeNow(): Promise<void> {
    await this.stopRewrite('the storage is closing');
    await this.appender.close();
  }

  /**
   * Starts a background rewrite of the live keyspace (between two applies), unless one runs;
   * returns its completion. The applies from now on are kept for it: see BackgroundRewrite.
   */
  private startRewrite(): Promise<void> {
    if (this.rewriting !== undefined) return this.rewriting.done;
    const rewrite = new BackgroundRewrite(tempOf(this.file), this.store.live, this.store.cursor, this.settings.sync);
    const done = rewrite.snapshotWritten
      .then(() => this.enqueue(() => this.finishRewrite(rewrite)))
      // Refused once the storage is closing: closeNow discards the rewrite.
      .catch(() => undefined);
    this.rewriting = { rewrite, done };
    return done;
  }

  /** Between two applies: the temp file gets the records kept, and is renamed into place. */
  private async finishRewrite(rewrite: BackgroundRewrite): Promise<void> {
    if (this.rewriting?.rewrite !== rewrite) return;
    this.rewriting = undefined;
    // Given up or failed, it is tried again once the file has doubled.
    this.rewriteAtBytes = this.appender.bytes * REWRITE_GROWTH_FACTOR;
    let bytes: number;
    try {
      if (rewrite.abandoned !== undefined) throw new Error(rewrite.abandoned.why);
      bytes = await rewrite.complete();
    } catch (error) {
      await rewrite.discard();
      // Outrun by the writes is no failure; anything else is reported by the next write.
      if (rewrite.abandoned?.failed !== false) this.rewriteFailure = messageOf(error);
      return;
    }
    try {
      await installTemp(this.file, this.settings.sync);
    } catch (error) {
      // Renamed or not, the old descriptor may name a file that is no longer the data.
      this.appender.refuse(error);
      this.rewriteFailure = messageOf(error);
      return;
    }
    await this.reopenAppender(bytes);
  }

  private async stopRewrite(why: string): Promise<void> {
    const running = this.rewriting;
    if (running === undefined) return;
    this.rewriting = undefined;
    running.rewrite.abandon(why, false);
    await running.rewrite.discard();
  }

  /** The file was replaced: appends go to the new one, and the next rewrite waits until it has doubled. */
  private async reopenAppender(bytes: number): Promise<void> {
    await this.appender.close();
    this.appender = await Appender.open(this.file, bytes);
    this.rewriteAtBytes = this.nextRewriteAt();
  }

  /** A failed background rewrite is reported once, by the next call that writes; the old file is whole. */
  private reportRewriteFailure(): void {
    const failure = this.rewriteFailure;
    this.rewriteFailure = undefined;
    if (failure !== undefined) throw new StorageFailedError(`rewriting ${this.file} failed: ${failure}`);
  }

  private nextRewriteAt(): number {
    return Math.max(this.settings.rewriteMinBytes, this.appender.bytes * REWRITE_GROWTH_FACTOR);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function execute(store: KeyspaceStore, request: StorageRequest): void {
  const result = store.execute(request);
  assert(result.kind === 'done', `the keyspace refused ${request.kind}`);
}

function syncOf(fsync: AppendOnlyStorageOptions['fsync']): boolean {
  return fsync !== false && fsync !== 'never';
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
