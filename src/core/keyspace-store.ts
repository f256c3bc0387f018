import { Keyspace } from './keyspace.js';
import type { Cursor, StorageRequest, StorageResult } from './storage-request.js';

/**
 * Executes storage requests against keyspaces in memory, synchronously. The memory backend wraps
 * it, and the simulator and tests run it directly, so all of them share one meaning of each request.
 */
export class KeyspaceStore {
  private liveKeyspace = new Keyspace();
  private staging: Keyspace | null = null;
  private storedCursor: Cursor | null = null;
  private changes = 0;

  get live(): Keyspace {
    return this.liveKeyspace;
  }

  get cursor(): Cursor | null {
    return this.storedCursor;
  }

  get staged(): Keyspace | null {
    return this.staging;
  }

  /** Counts the requests that changed the live data or the cursor: a cheap "did anything change". */
  get version(): number {
    return this.changes;
  }

  /** An independent copy: what a crash would leave if this were the last durable state. */
  clone(): KeyspaceStore {
    const copy = new KeyspaceStore();
    copy.liveKeyspace = this.liveKeyspace.clone();
    copy.staging = this.staging?.clone() ?? null;
    copy.storedCursor = this.storedCursor;
    copy.changes = this.changes;
    return copy;
  }

  /** What a restart does to a staging area: the resync it belonged to starts over. */
  discardStaging(): void {
    this.staging = null;
  }

  execute(request: StorageRequest): StorageResult {
    switch (request.kind) {
      case 'apply':
        for (const op of request.operations) this.liveKeyspace.apply(op);
        if (request.cursor !== null) this.storedCursor = request.cursor;
        this.changes += 1;
        return DONE;
      case 'scan':
        return { kind: 'scanned', ...this.liveKeyspace.scan(request) };
      case 'stageBegin':
        this.staging = new Keyspace();
        return DONE;
      case 'stageApply':
        if (this.staging === null) return { kind: 'failed', message: 'stageApply without stageBegin' };
        for (const op of request.operations) this.staging.apply(op);
        return DONE;
      case 'stageCommit':
        if (this.staging === null) return { kind: 'failed', message: 'stageCommit without stageBegin' };
        this.liveKeyspace = this.staging;
        this.staging = null;
        this.storedCursor = request.cursor;
        this.changes += 1;
        return DONE;
    }
  }
}

const DONE: StorageResult = Object.freeze({ kind: 'done', durable: false });
