import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidOperationError, LogCorruptError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS } from '../../../../src/core/limits.js';
import type { Operation } from '../../../../src/core/operation.js';
import type { Cursor } from '../../../../src/core/storage-request.js';
import { MemoryStorage } from '../../../../src/storage/memory.js';
import { readLog } from '../../../../src/storage/op-log-file/log-reader.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';
import { del, set, text } from '../../../support/ops.js';
import { batchOf, openLogged, removeTempDirs, tempDir, writeBatches } from './support.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

/** Memory storage that says its writes are durable and remembers the batches it was given. */
class DurableMemory extends MemoryStorage {
  readonly applied: { readonly count: number; readonly cursor: Cursor | null }[] = [];

  override async apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    await super.apply(operations, cursor);
    this.applied.push({ count: operations.length, cursor });
    return { durable: true };
  }

  checkStorable(op: Operation): void {
    if (op.type === 'SET' && op.path === 'refused') throw new InvalidOperationError('refused by the base');
  }
}

beforeEach(resetCounts);
afterEach(removeTempDirs);

describe('LoggedStorage', () => {
  it('continues its history after a clean shutdown, with the log\'s entries to serve', async () => {
    const dir = await tempDir();
    const base = new MemoryStorage();
    const first = await openLogged(base, dir, { fsync: 'no' });
    expect(first.history).toBeNull();
    await writeBatches(first, 'h1', 3);
    await first.closeLog();
    const again = await openLogged(base, dir, { fsync: 'no' });
    expect(again.recovery.plan).toEqual({ kind: 'continue', replayFrom: 7 });
    expect(again.history?.replicationId).toBe('h1');
    expect(again.history?.lastSequence).toBe(6);
    expect(again.history?.entries.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(again.history?.entries[5]?.op).toEqual(batchOf(3)[1]);
    await again.closeLog();
    // Restarts without a write in between leave no empty segments behind, and still continue.
    await (await openLogged(base, dir, { fsync: 'no' })).closeLog();
    const third = await openLogged(base, dir, { fsync: 'no' });
    await writeBatches(third, 'h1', 1, 2, 4);
    await third.closeLog();
    expect((await openLogged(base, dir, { fsync: 'no' })).history?.lastSequence).toBe(8);
  });

  it('with always, continues after a crash (no clean shutdown) and replays what the storage lacks', async () => {
    const dir = await tempDir();
    const crashed = await openLogged(new MemoryStorage(), dir);
    await writeBatches(crashed, 'h1', 3);
    // The storage kept only the first two batches: the log is ahead of it.
    const storage = new MemoryStorage();
    await writeBatches(storage, 'h1', 2);
    const recovered = await openLogged(storage, dir);
    expect(recovered.recovery).toMatchObject({ plan: { kind: 'continue', replayFrom: 5 }, replayed: 2 });
    expect(await storage.loadCursor()).toEqual({ replicationId: 'h1', sequence: 6 });
    expect(text((await storage.read('k3-1'))?.value)).toBe('v3-1');
    await writeBatches(recovered, 'h1', 1, 2, 4);
    expect(recovered.logSegments).toBe(2); // the crashed run's and this run's
    await recovered.closeLog();
  });

  it('with everysec, ends the history after a crash: the next write begins another, whose base is where the storage stood', async () => {
    const dir = await tempDir();
    const base = new MemoryStorage();
    const crashed = await openLogged(base, dir, { fsync: 'everysec' });
    await writeBatches(crashed, 'h1', 2);
    const recovered = await openLogged(base, dir, { fsync: 'everysec' });
    expect(recovered.recovery.plan.kind).toBe('newHistory');
    expect(recovered.history).toBeNull();
    await writeBatches(recovered, 'h2', 1);
    await recovered.closeLog();
    const next = await openLogged(base, dir, { fsync: 'everysec' });
    expect(next.history).toMatchObject({ replicationId: 'h2', lastSequence: 2 });
    expect((await readdir(dir)).length).toBe(2); // h1's segments are gone
    await crashed.closeLog();
    await next.closeLog();
  });

  it('ends the history when the storage holds more of it than the log', async () => {
    const dir = await tempDir();
    const logged = await openLogged(new MemoryStorage(), dir);
    await writeBatches(logged, 'h1', 1);
    await logged.closeLog();
    const ahead = new MemoryStorage();
    await writeBatches(ahead, 'h1', 2);
    const recovered = await openLogged(ahead, dir);
    expect(recovered.recovery).toMatchObject({ plan: { kind: 'newHistory' }, replayed: 0 });
    await recovered.closeLog();
  });

  it('refuses to start when the log lacks records the storage needs', async () => {
    const dir = await tempDir();
    const logged = await openLogged(new MemoryStorage(), dir, { limits: { logSegmentBytesMax: 64, logRecordBytesMax: 64, persistedLogBytesMax: 64 } });
    await writeBatches(logged, 'h1', 6);
    await logged.closeLog();
    // A storage that never saw this history, and a log whose first segments retention removed.
    await expect(openLogged(new MemoryStorage(), dir)).rejects.toThrow(LogCorruptError);
  });

  it('starts a segment past logSegmentBytesMax and removes old ones past persistedLogBytesMax, keeping the newest', async () => {
    const dir = await tempDir();
    const base = new MemoryStorage();
    const limits = { logSegmentBytesMax: 200, logRecordBytesMax: 100, persistedLogBytesMax: 600 };
    const logged = await openLogged(base, dir, { limits });
    await writeBatches(logged, 'h1', 40);
    expect(logged.logSegments).toBeGreaterThan(1);
    expect(logged.logBytes).toBeLessThanOrEqual(600 + 200 + 100);
    await logged.closeLog();
    const again = await openLogged(base, dir, { limits });
    const entries = again.history?.entries ?? [];
    expect(entries[entries.length - 1]?.sequence).toBe(80);
    expect(entries[0]?.sequence).toBeGreaterThan(1);
    await again.closeLog();
  });

  it('removes segments older than persistedLogAgeMsMax and those past persistedLogEntriesMax', async () => {
    const dir = await tempDir();
    let nowMs = 0;
    const limits = { logSegmentBytesMax: 100, logRecordBytesMax: 100, persistedLogAgeMsMax: 5_000 };
    const logged = await openLogged(new MemoryStorage(), dir, { limits, nowMs: () => nowMs });
    await writeBatches(logged, 'h1', 10);
    const segments = logged.logSegments;
    nowMs = 10_000;
    await writeBatches(logged, 'h1', 1, 2, 11);
    expect(segments).toBeGreaterThan(2);
    expect(logged.logSegments).toBeLessThanOrEqual(2);
    await logged.closeLog();
    const counted = await openLogged(new MemoryStorage(), await tempDir(), { limits: { logSegmentBytesMax: 100, logRecordBytesMax: 100, persistedLogEntriesMax: 6 } });
    await writeBatches(counted, 'h1', 20);
    const { history } = counted;
    expect(history).toBeNull();
    expect(counted.logSegments).toBeLessThanOrEqual(4);
    await counted.closeLog();
  });

  it('continues after a clean shutdown whose CLOSED is the shortest a record can be (a clock below 128 ms)', async () => {
    const dir = await tempDir();
    const base = new MemoryStorage();
    const first = await openLogged(base, dir, { fsync: 'no', nowMs: () => 0 });
    await first.apply([del('a')], { replicationId: 'h1', sequence: 1 });
    await first.closeLog();
    const again = await openLogged(base, dir, { fsync: 'no', nowMs: () => 0 });
    expect(again.recovery).toMatchObject({ plan: { kind: 'continue' }, cutBytes: 0 });
    await again.closeLog();
  });

  it('answers reads, scans and the cursor from the base backend', async () => {
    const base = new MemoryStorage();
    const logged = await openLogged(base, await tempDir());
    await logged.apply([set('a/1', 'one', { tags: ['t'] }), set('b', 'two')], { replicationId: 'h1', sequence: 2 });
    expect(text((await logged.read('a/1'))?.value)).toBe('one');
    expect(await logged.exists('b')).toBe(true);
    expect(await logged.exists('c')).toBe(false);
    expect(await logged.size('b')).toBe(3);
    expect(await logged.metadata('a/1')).toEqual(await base.metadata('a/1'));
    expect(await logged.list('a/')).toEqual(['a/1']);
    expect(await logged.listTagged('t')).toEqual(['a/1']);
    const whole = { afterPath: null, entriesMax: 10, bytesMax: 1 << 20 };
    expect(await logged.scan(whole)).toEqual(await base.scan(whole));
    expect(await logged.loadCursor()).toEqual({ replicationId: 'h1', sequence: 2 });
    await logged.closeLog();
  });

  it('close ends the log cleanly and closes the base backend', async () => {
    const dir = await tempDir();
    const base = new MemoryStorage();
    const logged = await openLogged(base, dir);
    await writeBatches(logged, 'h1', 1);
    await logged.close();
    await expect(base.list()).rejects.toThrow('storage is closed');
    expect((await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).extent?.closed).toBe(true);
  });

  it('refuses what the base backend refuses by name, and takes every name on a backend that refuses none', async () => {
    const refusing = await openLogged(new DurableMemory(), await tempDir());
    expect(() => refusing.checkStorable(set('refused', 'v'))).toThrow(InvalidOperationError);
    expect(() => refusing.checkStorable(set('fine', 'v'))).not.toThrow();
    const memory = await openLogged(new MemoryStorage(), await tempDir());
    expect(() => memory.checkStorable(set('refused', 'v'))).not.toThrow();
    await refusing.closeLog();
    await memory.closeLog();
  });

  it('a full resync goes to the base backend, and its cursor is the base of the history begun next', async () => {
    const dir = await tempDir();
    const base = new MemoryStorage();
    const logged = await openLogged(base, dir);
    await logged.stageBegin();
    await logged.stageApply([set('x', 'staged')]);
    expect(await logged.exists('x')).toBe(false);
    await logged.stageCommit({ replicationId: 'old', sequence: 5 });
    expect(text((await base.read('x'))?.value)).toBe('staged');
    await logged.apply([del('y')], { replicationId: 'h2', sequence: 1 });
    await logged.closeLog();
    expect((await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).header?.base).toEqual({ replicationId: 'old', sequence: 5 });
  });

  it('calls a write durable with always, and otherwise when the base backend does', async () => {
    const cursor = { replicationId: 'h1', sequence: 1 };
    const cases = [['always', new MemoryStorage(), true], ['everysec', new MemoryStorage(), false], ['no', new MemoryStorage(), false], ['no', new DurableMemory(), true]] as const;
    for (const [fsync, base, durable] of cases) {
      const logged = await openLogged(base, await tempDir(), { fsync });
      expect(await logged.apply([del('a')], cursor), `${fsync} on ${base.constructor.name}`).toEqual({ durable });
      await logged.closeLog();
    }
  });

  it('replays the log into the storage in batches of at most 4,096 operations, each with its cursor', async () => {
    const dir = await tempDir();
    const logged = await openLogged(new MemoryStorage(), dir);
    await logged.apply(Array.from({ length: 5_000 }, (_, index) => del(`p${index}`)), { replicationId: 'h1', sequence: 5_000 });
    const base = new DurableMemory();
    const recovered = await openLogged(base, dir);
    expect(recovered.recovery.replayed).toBe(5_000);
    expect(base.applied).toEqual([{ count: 4_096, cursor: { replicationId: 'h1', sequence: 4_096 } }, { count: 904, cursor: { replicationId: 'h1', sequence: 5_000 } }]);
    await recovered.closeLog();
  });

  describe('the everysec timer', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('syncs what was appended every logSyncIntervalMs, and stops at closeLog', async () => {
      const logged = await openLogged(new MemoryStorage(), await tempDir(), { fsync: 'everysec', limits: { logSyncIntervalMs: 200 } });
      await writeBatches(logged, 'h1', 2);
      const fdatasyncs = counted.fdatasyncs;
      await vi.advanceTimersByTimeAsync(199);
      expect(counted.fdatasyncs).toBe(fdatasyncs);
      await vi.advanceTimersByTimeAsync(1);
      expect(counted.fdatasyncs).toBe(fdatasyncs + 1);
      await logged.closeLog();
      expect(vi.getTimerCount()).toBe(0);
    });

    it.each(['always', 'no'] as const)('is not started with %s', async (fsync) => {
      const logged = await openLogged(new MemoryStorage(), await tempDir(), { fsync });
      expect(vi.getTimerCount()).toBe(0);
      await logged.closeLog();
    });
  });
});
