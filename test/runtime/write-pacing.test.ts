/**
 * Writes faster than a secondary applies them, over loopback TCP: the primary holds them back
 * while that secondary, acknowledging as it goes, needs the log's whole backlog, instead of
 * cutting it off into a full resync whose replay the next writes cut off again. Found by `npm run
 * bench -- --value-bytes 10240`: 2 to 7 full resyncs in one burst of 50,000 writes.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cursor } from '../../src/core/storage-request.js';
import type { Operation } from '../../src/core/operation.js';
import type { NetworkSyncBackend, PrimaryReplicationStats } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { FAST_TIMING, portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp } from './support/nodes.js';

/** Each apply takes a few milliseconds: a secondary slower than the writes, but never stalled. */
class SlowStorage extends MemoryStorage {
  override async apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    await sleep(APPLY_DELAY_MS);
    return super.apply(operations, cursor);
  }
}

/** Applies nothing while gated: a secondary whose disk hangs, so it acknowledges nothing. */
class GatedStorage extends MemoryStorage {
  gated = false;
  private readonly held: (() => void)[] = [];

  override async apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    if (this.gated) await new Promise<void>((letThrough) => this.held.push(letThrough));
    return super.apply(operations, cursor);
  }

  open(): void {
    this.gated = false;
    for (const letThrough of this.held.splice(0)) letThrough();
  }
}

const APPLY_DELAY_MS = 20;
/** A log of 64 KiB and a backlog of 128 KiB, frames of at most 1 MiB: the writes below are about 30 times the backlog. The secondary never stalls for pacingStallMs, which the primary sets long, so that a busy machine cannot make it look stalled. */
const LIMITS = {
  frameBytesMax: 1024 * 1024,
  valueBytesMax: 64 * 1024,
  batchBytesMax: 64 * 1024,
  snapshotChunkBytesMax: 64 * 1024,
  outboundBudgetBytes: 1024 * 1024,
  logBytesMax: 64 * 1024,
  replicaBacklogBytesMax: 128 * 1024,
};
const WRITES = 3_000;
/** Beyond vitest's testTimeout (300 s): a write held for a stalled secondary until this would fail the test. */
const STALLED_TIMEOUT_MS = 3_600_000;
const IN_FLIGHT = 100;

describe('write pacing over TCP', () => {
  const open: NetworkSyncBackend[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (node) => node.close()));
  });

  it('a secondary slower than the writes keeps its link: writes wait for it, every one is applied, and it resyncs once', async () => {
    const primaryStorage = new MemoryStorage();
    const secondaryStorage = new SlowStorage();
    const primary = await startPrimary(primaryStorage, { limits: LIMITS, timing: { ...FAST_TIMING, pacingStallMs: 10_000 } });
    open.push(primary);
    const secondary = await startSecondary(portOf(primary), secondaryStorage, { limits: LIMITS });
    open.push(secondary);
    await waitCaughtUp(primary, [secondary]);
    const value = randomBytes(1024);
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < WRITES) await primary.writeData(`k/${next++}`, value);
      }),
    );
    await waitCaughtUp(primary, [secondary]);
    const stats = primary.getReplicationStats();
    if (stats.mode !== 'primary') throw new Error('not a primary');
    expect(stats.sequenceNumber).toBe(WRITES);
    expect(stats.fullResyncs).toBe(1); // its first sync, and no other
    expect(await storageDifference(primaryStorage, secondaryStorage)).toBeNull();
  });

  it('a stalled secondary holds writes back for pacingStallMs only: the writes go on, it is cut off, and it resyncs once its disk answers', async () => {
    const primaryStorage = new MemoryStorage();
    const secondaryStorage = new GatedStorage();
    const pacingStallMs = 200;
    // A replication timeout and a lag bound longer than the tests' hang guard: only the stall rule, not the budget's
    // timeout nor pacingLagMsMax, lets the writes go on. Heartbeats four times as often as the stall: the secondary
    // acknowledges each as it reads it, which is no progress of its disk.
    const timing = { ...FAST_TIMING, replicationTimeoutMs: STALLED_TIMEOUT_MS, pacingLagMsMax: STALLED_TIMEOUT_MS, pacingStallMs, heartbeatIntervalMs: pacingStallMs / 4 };
    const primary = await startPrimary(primaryStorage, { limits: LIMITS, timing });
    open.push(primary);
    const secondary = await startSecondary(portOf(primary), secondaryStorage, { limits: LIMITS });
    open.push(secondary);
    await waitCaughtUp(primary, [secondary]);
    secondaryStorage.gated = true;
    const value = randomBytes(1024);
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < WRITES) await primary.writeData(`k/${next++}`, value);
      }),
    );
    const stats = (): PrimaryReplicationStats => {
      const now = primary.getReplicationStats();
      if (now.mode !== 'primary') throw new Error('not a primary');
      return now;
    };
    // Every write was applied on the primary, though the secondary acknowledged none of them.
    expect(stats().sequenceNumber).toBe(WRITES);
    expect(stats().heldWrites).toBe(0);
    secondaryStorage.open();
    await waitCaughtUp(primary, [secondary]);
    expect(stats().fullResyncs).toBeGreaterThanOrEqual(2); // cut off by the backlog bound, back by a full resync
    expect(await storageDifference(primaryStorage, secondaryStorage)).toBeNull();
  });
});
