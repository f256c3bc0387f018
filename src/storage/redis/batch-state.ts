import { matchesFlush } from '../../core/keyspace.js';
import type { SetOperation } from '../../core/operation.js';
import type { OperationTarget } from '../operation-target.js';
import type { StoredMetadata } from '../stored-json.js';
import type { AreaKeys } from './keys.js';

/** What a batch starts from, loaded for every path it touches (every path, when it flushes). */
export interface BatchStart {
  /** The stored metadata of each touched path, or null; stale when its data key is missing. */
  readonly records: ReadonlyMap<string, StoredMetadata | null>;
  /** Touched paths whose data key exists: the entries that exist. */
  readonly live: ReadonlySet<string>;
  /** For each meta HASH the batch may change, the path it describes, or null when absent. */
  readonly metaPaths: ReadonlyMap<string, string | null>;
}

/**
 * The batch's operations played on what they touch, with Keyspace semantics, so that the final
 * state of each touched path (and of each touched meta HASH) can be written in one MULTI.
 * An entry whose data key is missing does not exist: it starts deleted. Our batches never leave
 * one so, but a key removed behind our back (by hand, or by an allkeys eviction policy that open()
 * refuses) must not come back half-made.
 */
export class BatchState implements OperationTarget<void> {
  /** The entry at each touched path after the batch, or null. */
  readonly current = new Map<string, StoredMetadata | null>();
  /** The value of each path whose latest SET in the batch still stands. */
  readonly values = new Map<string, Uint8Array>();
  readonly metaPaths: Map<string, string | null>;

  constructor(
    private readonly keys: AreaKeys,
    start: BatchStart,
  ) {
    this.metaPaths = new Map(start.metaPaths);
    for (const [path, record] of start.records) {
      this.current.set(path, record);
      if (!start.live.has(path)) this.remove(path);
    }
  }

  put(entry: SetOperation): void {
    this.remove(entry.path);
    const { key, db, namespace, tags, expiresAtMs } = entry;
    this.current.set(entry.path, { key, db, namespace, tags, expiresAtMs });
    this.values.set(entry.path, entry.value);
    this.metaPaths.set(this.keys.meta(entry), entry.path);
  }

  flush(db: string | null, namespace: string | null): void {
    for (const [path, record] of this.current) {
      if (record !== null && matchesFlush(record, db, namespace)) this.remove(path);
    }
  }

  update(path: string, change: (record: StoredMetadata) => StoredMetadata): void {
    const record = this.current.get(path);
    if (record !== undefined && record !== null) this.current.set(path, change(record));
  }

  remove(path: string): void {
    const record = this.current.get(path);
    if (record !== undefined && record !== null) {
      const metaKey = this.keys.meta(record);
      if (this.metaPaths.get(metaKey) === path) this.metaPaths.set(metaKey, null);
    }
    this.current.set(path, null);
    this.values.delete(path);
  }
}
