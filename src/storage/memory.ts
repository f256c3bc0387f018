import './path-hash-seed.js';
import type { Entry, ScanPage, ScanRequest } from '../core/keyspace.js';
import { KeyspaceStore } from '../core/keyspace-store.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';
import type { EntryMetadata, StorageBackend } from './backend.js';
import { checkPathsMax } from './first-paths.js';
import { listPaths, listTaggedPaths, metadataOf } from './keyspace-reads.js';

/**
 * The embedded default: everything in this process's memory, gone when it exits (never durable).
 * It runs every request on the same KeyspaceStore the simulator uses, so both mean the same thing.
 */
export class MemoryStorage implements StorageBackend {
  private readonly store = new KeyspaceStore();
  private closed = false;

  async apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    this.run({ kind: 'apply', operations, cursor });
    return { durable: false };
  }

  async scan(request: ScanRequest): Promise<ScanPage> {
    this.checkOpen();
    return this.store.live.scan(request);
  }

  async stageBegin(): Promise<void> {
    this.run({ kind: 'stageBegin' });
  }

  async stageApply(operations: readonly Operation[]): Promise<void> {
    this.run({ kind: 'stageApply', operations });
  }

  async stageCommit(cursor: Cursor): Promise<{ durable: boolean }> {
    this.run({ kind: 'stageCommit', cursor });
    return { durable: false };
  }

  async loadCursor(): Promise<Cursor | null> {
    this.checkOpen();
    return this.store.cursor;
  }

  // Reads answer synchronously (no await before the answer), so they keep their place in call order.
  async read(path: string): Promise<Entry | undefined> {
    return this.get(path);
  }

  async exists(path: string): Promise<boolean> {
    return this.peek(path) !== undefined;
  }

  async size(path: string): Promise<number | undefined> {
    return this.peek(path)?.value.length;
  }

  async metadata(path: string): Promise<EntryMetadata | undefined> {
    return metadataOf(this.peek(path));
  }

  async list(prefix = '', pathsMax = Infinity): Promise<string[]> {
    this.checkOpen();
    return listPaths(this.store.live, prefix, checkPathsMax(pathsMax));
  }

  async listTagged(tag: string, pathsMax = Infinity): Promise<string[]> {
    this.checkOpen();
    return listTaggedPaths(this.store.live, tag, checkPathsMax(pathsMax));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private get(path: string): Entry | undefined {
    this.checkOpen();
    return this.store.live.get(path);
  }

  private peek(path: string): Entry | undefined {
    this.checkOpen();
    return this.store.live.peek(path);
  }

  private run(request: Parameters<KeyspaceStore['execute']>[0]): void {
    this.checkOpen();
    const result = this.store.execute(request);
    if (result.kind === 'failed') throw new Error(result.message);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }
}
