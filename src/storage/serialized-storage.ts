import { NotReadyError } from '../core/errors.js';
import type { Entry, ScanPage, ScanRequest } from '../core/keyspace.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';
import type { EntryMetadata, StorageBackend } from './backend.js';
import { checkPathsMax } from './first-paths.js';

/**
 * The FIFO half of the contract, for backends whose calls do I/O: every call, reads included,
 * waits for the previous one to settle, so an apply's reads and writes never interleave with
 * another call's. Subclasses implement each call as if it were the only one running; staging
 * calls reach them only in a valid order (stageApply and stageCommit after a stageBegin).
 */
export abstract class SerializedStorage implements StorageBackend {
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;
  /** Between a successful stageBegin and the next stageCommit: a staging area exists. */
  private staging = false;

  protected abstract applyNow(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }>;
  protected abstract scanNow(request: ScanRequest): Promise<ScanPage>;
  protected abstract stageBeginNow(): Promise<void>;
  protected abstract stageApplyNow(operations: readonly Operation[]): Promise<void>;
  protected abstract stageCommitNow(cursor: Cursor): Promise<{ durable: boolean }>;
  protected abstract loadCursorNow(): Promise<Cursor | null>;
  protected abstract readNow(path: string): Promise<Entry | undefined>;
  /** The entry's metadata and size, without reading its value. */
  protected abstract probeNow(path: string): Promise<EntryMetadata | undefined>;
  /** At most `pathsMax` (checked: a positive integer or Infinity), the first in code-unit order. */
  protected abstract listNow(prefix: string, pathsMax: number): Promise<string[]>;
  protected abstract listTaggedNow(tag: string, pathsMax: number): Promise<string[]>;
  protected abstract closeNow(): Promise<void>;

  apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    return this.serialize(() => this.applyNow(operations, cursor));
  }

  scan(request: ScanRequest): Promise<ScanPage> {
    return this.serialize(() => this.scanNow(request));
  }

  stageBegin(): Promise<void> {
    return this.serialize(async () => {
      this.staging = false;
      await this.stageBeginNow();
      this.staging = true;
    });
  }

  stageApply(operations: readonly Operation[]): Promise<void> {
    return this.serialize(async () => {
      this.requireStaging('stageApply');
      await this.stageApplyNow(operations);
    });
  }

  /** Consumes the staging area even when it fails: a resync that failed starts over. */
  stageCommit(cursor: Cursor): Promise<{ durable: boolean }> {
    return this.serialize(async () => {
      this.requireStaging('stageCommit');
      this.staging = false;
      return this.stageCommitNow(cursor);
    });
  }

  loadCursor(): Promise<Cursor | null> {
    return this.serialize(() => this.loadCursorNow());
  }

  read(path: string): Promise<Entry | undefined> {
    return this.serialize(() => this.readNow(path));
  }

  exists(path: string): Promise<boolean> {
    return this.serialize(async () => (await this.probeNow(path)) !== undefined);
  }

  size(path: string): Promise<number | undefined> {
    return this.serialize(async () => (await this.probeNow(path))?.sizeBytes);
  }

  metadata(path: string): Promise<EntryMetadata | undefined> {
    return this.serialize(() => this.probeNow(path));
  }

  list(prefix = '', pathsMax = Infinity): Promise<string[]> {
    return this.serialize(async () => this.listNow(prefix, checkPathsMax(pathsMax)));
  }

  listTagged(tag: string, pathsMax = Infinity): Promise<string[]> {
    return this.serialize(async () => this.listTaggedNow(tag, checkPathsMax(pathsMax)));
  }

  /** Runs after every call already made; any call made later is refused. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.serialize(() => this.closeNow());
    return this.closing;
  }

  /** A call's failure as the caller gets it: a backend whose client throws untyped errors types them here. */
  protected failureOf(error: unknown): unknown {
    return error;
  }

  /** Runs `task` in the backend's own order, as a call would: for work of its own, between calls. */
  protected enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.serialize(task);
  }

  private requireStaging(call: string): void {
    if (!this.staging) throw new NotReadyError(`${call} without stageBegin`);
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    if (this.closing !== null) return Promise.reject(new NotReadyError('storage is closed'));
    const result = this.tail.then(task).catch((error: unknown) => {
      throw this.failureOf(error);
    });
    // The next call waits for this one to settle, not to succeed: a failure is its caller's.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
