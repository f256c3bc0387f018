import { KeyspaceStore } from '../src/core/keyspace-store.js';
import type { Cursor, StorageRequest, StorageResult } from '../src/core/storage-request.js';
import type { StorageFaults } from './options.js';
import type { Prng } from './prng.js';
import type { Scheduler } from './scheduler.js';

/**
 * A node's disk, one implementation of the storage contract (src/storage/backend.ts): requests
 * complete in order after a latency, each applied whole at its completion; they may fail; with
 * immediate durability every completed request survives a crash (and reports durable), with lazy
 * durability a crash keeps only the prefix completed before the last sync point (a multiple of
 * syncIntervalMs) and requests report durable: false. A staging area does not survive a crash.
 */
export class SimStorage {
  private current = new KeyspaceStore();
  /** The state at the last sync point, and what ran after it (lazy durability only). */
  private synced = new KeyspaceStore();
  private sinceSync: { atMs: number; request: StorageRequest }[] = [];
  private lastCompletionMs = 0;
  /** Bumped by a crash: requests of the dead process never reach the disk. */
  private epoch = 0;
  /** Set by lose() until a request is refused for it. */
  private lossUnreported = false;
  private lossCount = 0;
  private failProbability: number;
  private stallProbability: number;
  /** When the latest stalled request completes, or a loss was last reported: see faultsEndMs. */
  private stalledUntilMs = Number.NEGATIVE_INFINITY;
  private lossReportedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly prng: Prng,
    private readonly faults: StorageFaults,
    canFail: boolean,
    private readonly now: () => number,
  ) {
    this.failProbability = canFail ? faults.failProbability : 0;
    this.stallProbability = faults.stallProbability ?? 0;
  }

  /** The disk stops failing, as a primary's does in the simulation (a promoted secondary's, say). */
  stopFailing(): void {
    this.failProbability = 0;
  }

  /** The disk stops failing and stalling (the liveness phase). */
  heal(): void {
    this.failProbability = 0;
    this.stallProbability = 0;
  }

  /**
   * When this disk's faults last showed: the end of its latest stall (which heal() does not
   * shorten), or its latest refusal of a request for a loss (lose() before a heal shows after it).
   */
  get faultsEndMs(): number {
    return Math.max(this.stalledUntilMs, this.lossReportedAtMs);
  }

  /** Every completed request survives a crash ('immediate' durability). */
  get durableAtOnce(): boolean {
    return this.faults.durability === 'immediate';
  }

  /** What readers of this node see. */
  get store(): KeyspaceStore {
    return this.current;
  }

  /** Runs a request after the disk's latency; `complete` is the caller's, who drops it after a crash. */
  submit(request: StorageRequest, complete: (result: StorageResult) => void): void {
    const stalled = this.prng.nextFloat() < this.stallProbability;
    const latencyMs = Math.round(-this.faults.latencyMeanMs * Math.log(1 - this.prng.nextFloat())) + (stalled ? (this.faults.stallMs ?? 0) : 0);
    const atMs = Math.max(this.lastCompletionMs, this.now() + latencyMs);
    this.lastCompletionMs = atMs;
    if (stalled) this.stalledUntilMs = Math.max(this.stalledUntilMs, atMs);
    const fails = request.kind !== 'scan' && this.prng.nextFloat() < this.failProbability;
    const epoch = this.epoch;
    this.scheduler.at(atMs, () => {
      if (epoch === this.epoch) complete(fails ? { kind: 'failed', message: 'simulated disk error' } : this.execute(request));
    });
  }

  /**
   * The disk comes back empty under a running process, as a Redis restarted without its data does:
   * the next request that reaches it is refused as a loss (the instance token's check), and
   * whatever ran before is gone, durable or not.
   */
  lose(): void {
    this.current = new KeyspaceStore();
    this.synced = new KeyspaceStore();
    this.sinceSync = [];
    this.lossUnreported = true;
    this.lossCount += 1;
  }

  /** Times lose() emptied it: what no contract covers, so what it had made durable is excused. */
  get losses(): number {
    return this.lossCount;
  }

  /** Runs a request at once, as a process does before it serves anyone (the persisted log's replay at a restart). */
  runAtOnce(request: StorageRequest): void {
    const result = this.execute(request);
    if (result.kind !== 'done') throw new Error(`a replay at restart failed: ${result.kind}`);
  }

  /** The cursor a crash now would leave: what this disk has made durable. */
  durableCursor(): Cursor | null {
    if (this.faults.durability === 'immediate') return this.current.cursor;
    this.foldSyncedUpTo(this.lastSyncPointMs(this.now()));
    return this.synced.cursor;
  }

  /** The process died: keep only what was durable. */
  crash(): void {
    this.epoch += 1;
    this.lastCompletionMs = 0;
    if (this.faults.durability === 'lazy') {
      this.foldSyncedUpTo(this.lastSyncPointMs(this.now()));
      this.current = this.synced.clone();
      this.sinceSync = [];
    }
    this.current.discardStaging();
  }

  private execute(request: StorageRequest): StorageResult {
    if (this.lossUnreported) {
      this.lossUnreported = false;
      this.lossReportedAtMs = this.now();
      return { kind: 'failed', message: 'simulated data loss', lost: true };
    }
    const result = this.current.execute(request);
    if (this.faults.durability === 'immediate') return result.kind === 'done' ? { kind: 'done', durable: true } : result;
    if (request.kind !== 'scan' && result.kind === 'done') {
      this.foldSyncedUpTo(this.lastSyncPointMs(this.now()));
      this.sinceSync.push({ atMs: this.now(), request });
    }
    return result;
  }

  private lastSyncPointMs(nowMs: number): number {
    return nowMs - (nowMs % this.faults.syncIntervalMs);
  }

  /** Moves into the synced state everything that ran before a sync point. */
  private foldSyncedUpTo(syncPointMs: number): void {
    let folded = 0;
    for (const item of this.sinceSync) {
      if (item.atMs >= syncPointMs) break;
      this.synced.execute(item.request);
      folded += 1;
    }
    if (folded > 0) this.sinceSync.splice(0, folded);
  }
}
