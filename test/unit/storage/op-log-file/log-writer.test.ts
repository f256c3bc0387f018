import { stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS, type PersistedLogLimits } from '../../../../src/core/limits.js';
import type { LogFsyncPolicy } from '../../../../src/core/log-persistence/recovery.js';
import { fileLogStore, readLog } from '../../../../src/storage/op-log-file/log-reader.js';
import type { LogAppender } from '../../../../src/storage/op-log-file/log-store.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';
import { del } from '../../../support/ops.js';
import { removeTempDirs, tempDir } from './support.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

beforeEach(resetCounts);
afterEach(removeTempDirs);

const WRITTEN_AT_MS = 1_000;

async function openWriter(policy: LogFsyncPolicy, limits: Partial<PersistedLogLimits> = {}): Promise<{ dir: string; writer: LogAppender }> {
  const dir = await tempDir();
  const opened = await fileLogStore(dir).open({ limits: { ...DEFAULT_PERSISTED_LOG_LIMITS, ...limits }, coreLimits: DEFAULT_LIMITS, policy });
  return { dir, writer: opened.appender };
}

/** A history begun and `count` appends of one operation each, from sequence 1. */
async function writtenLog(policy: LogFsyncPolicy, count: number, limits: Partial<PersistedLogLimits> = {}): Promise<{ dir: string; writer: LogAppender }> {
  const opened = await openWriter(policy, limits);
  await opened.writer.beginHistory('h', null);
  for (let sequence = 1; sequence <= count; sequence += 1) await opened.writer.append(sequence, [del(`p${sequence}`)], WRITTEN_AT_MS);
  return opened;
}

async function sequencesIn(dir: string): Promise<number[]> {
  return (await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).entries.map((entry) => entry.sequence);
}

describe('LogWriter: syncs', () => {
  it('with always, fdatasyncs once per append, however many records it takes', async () => {
    const { writer } = await writtenLog('always', 0, { logRecordBytesMax: 1 });
    await writer.append(1, [del('a'), del('b'), del('c')], WRITTEN_AT_MS);
    expect(counted.fdatasyncs).toBe(1);
    await writer.append(4, [del('d')], WRITTEN_AT_MS);
    expect(counted.fdatasyncs).toBe(2);
    // CLOSED, synced once.
    await writer.close(WRITTEN_AT_MS);
    expect(counted.fdatasyncs).toBe(3);
  });

  it('with always, begins a segment without syncing again what each append synced', async () => {
    const { writer } = await writtenLog('always', 2, { logSegmentBytesMax: 1 });
    expect(writer.segmentCount).toBe(2);
    expect(counted.fdatasyncs).toBe(2);
    await writer.close(WRITTEN_AT_MS);
  });

  it.each(['everysec', 'no'] as const)('with %s, syncs on sync() only when something was written since', async (policy) => {
    const { writer } = await writtenLog(policy, 2);
    expect(counted.fdatasyncs).toBe(0);
    await writer.sync();
    expect(counted.fdatasyncs).toBe(1);
    await writer.sync();
    expect(counted.fdatasyncs).toBe(1);
    await writer.close(WRITTEN_AT_MS);
  });

  it('syncs nothing right after a segment begins: its header was synced when written', async () => {
    const { writer } = await writtenLog('no', 0);
    await writer.sync();
    expect(counted.fdatasyncs).toBe(0);
    await writer.close(WRITTEN_AT_MS);
  });

  it('syncs a segment before the next begins and at close, whatever the policy', async () => {
    const { dir, writer } = await writtenLog('no', 2, { logSegmentBytesMax: 1 });
    expect(writer.segmentCount).toBe(2);
    expect(counted.fdatasyncs).toBe(1);
    await writer.close(WRITTEN_AT_MS);
    expect(counted.fdatasyncs).toBe(2);
    expect(counted.open.size).toBe(0);
    expect((await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).extent?.closed).toBe(true);
  });
});

describe('LogWriter: failures', () => {
  it('after a short write refuses every append, and closes without CLOSED or a sync (of what was written before it either)', async () => {
    const { dir, writer } = await writtenLog('no', 1);
    const fdatasyncs = counted.fdatasyncs;
    counted.writevShortBy = 1;
    const append = writer.append(2, [del('b')], WRITTEN_AT_MS);
    await expect(append).rejects.toThrow(StorageFailedError);
    await expect(append).rejects.toThrow(/^operation log .*0000000000000001\.seg: short write: \d+ of \d+ bytes$/);
    counted.writevShortBy = 0;
    await expect(writer.append(2, [del('b')], WRITTEN_AT_MS)).rejects.toThrow(/^operation log: an earlier write failed \(short write: \d+ of \d+ bytes\); restart the primary$/);
    const segmentBytes = (await stat(`${dir}/0000000000000001.seg`)).size;
    await writer.close(WRITTEN_AT_MS);
    expect((await stat(`${dir}/0000000000000001.seg`)).size).toBe(segmentBytes);
    expect(counted.fdatasyncs).toBe(fdatasyncs);
    expect(counted.open.size).toBe(0);
  });

  it('after a failed fdatasync refuses every append with its cause, and closes without another sync', async () => {
    const { writer } = await writtenLog('always', 1);
    counted.fdatasyncFails = true;
    await expect(writer.append(2, [del('b')], WRITTEN_AT_MS)).rejects.toThrow(/EIO/);
    const fdatasyncs = counted.fdatasyncs;
    await expect(writer.append(3, [del('c')], WRITTEN_AT_MS)).rejects.toThrow('operation log: an earlier write failed (EIO: i/o error, fdatasync)');
    await writer.close(WRITTEN_AT_MS);
    expect(counted.fdatasyncs).toBe(fdatasyncs);
    expect(counted.open.size).toBe(0);
  });
});

describe('LogWriter: segments', () => {
  it('gives each record a segment of its own when the bound is below a header: a segment is never only a header', async () => {
    const { dir, writer } = await writtenLog('no', 3, { logSegmentBytesMax: 1 });
    expect(writer.segmentCount).toBe(3);
    await writer.close(WRITTEN_AT_MS);
    expect(await sequencesIn(dir)).toEqual([1, 2, 3]);
  });

  it('begins the next segment once the active one holds logSegmentBytesMax bytes exactly', async () => {
    const measured = await writtenLog('no', 1);
    const bytes = measured.writer.bytes;
    await measured.writer.close(WRITTEN_AT_MS);
    const atBound = await writtenLog('no', 2, { logSegmentBytesMax: bytes });
    expect(atBound.writer.segmentCount).toBe(2);
    const belowBound = await writtenLog('no', 2, { logSegmentBytesMax: bytes + 1 });
    expect(belowBound.writer.segmentCount).toBe(1);
    await atBound.writer.close(WRITTEN_AT_MS);
    await belowBound.writer.close(WRITTEN_AT_MS);
  });

  it('keeps a segment of one entry when a restart begins the next (only a segment without entries gives way)', async () => {
    const { dir, writer } = await writtenLog('always', 1);
    await writer.continueFrom(2);
    expect(writer.segmentCount).toBe(2);
    await writer.close(WRITTEN_AT_MS);
    expect(await sequencesIn(dir)).toEqual([1]);
  });
});

describe('LogWriter: retention', () => {
  /** Three segments of one entry each (sequences 1, 2, 3), written at WRITTEN_AT_MS, retained with `limits`. */
  async function segmentsLeft(limits: Partial<PersistedLogLimits>, appliedSequence = 3, nowMs = WRITTEN_AT_MS): Promise<number> {
    const { writer } = await writtenLog('no', 3, { logSegmentBytesMax: 1, ...limits });
    expect(writer.segmentCount).toBe(3);
    await writer.retain(appliedSequence, nowMs);
    await writer.close(WRITTEN_AT_MS);
    return writer.segmentCount;
  }

  it('removes the oldest segment above persistedLogBytesMax, not at it', async () => {
    const { writer } = await writtenLog('no', 3, { logSegmentBytesMax: 1 });
    const bytes = writer.bytes;
    await writer.close(WRITTEN_AT_MS);
    expect(await segmentsLeft({ persistedLogBytesMax: bytes })).toBe(3);
    expect(await segmentsLeft({ persistedLogBytesMax: bytes - 1 })).toBe(2);
  });

  it('removes the oldest segment above persistedLogEntriesMax, not at it', async () => {
    expect(await segmentsLeft({ persistedLogEntriesMax: 3 })).toBe(3);
    expect(await segmentsLeft({ persistedLogEntriesMax: 2 })).toBe(2);
  });

  it('removes a segment whose last record is older than persistedLogAgeMsMax, not as old', async () => {
    expect(await segmentsLeft({ persistedLogAgeMsMax: 5_000 }, 3, WRITTEN_AT_MS + 5_000)).toBe(3);
    // All but the active one are that old.
    expect(await segmentsLeft({ persistedLogAgeMsMax: 5_000 }, 3, WRITTEN_AT_MS + 5_001)).toBe(1);
  });

  it('never removes a segment holding a sequence the storage has not applied', async () => {
    expect(await segmentsLeft({ persistedLogEntriesMax: 1 }, 0)).toBe(3);
    expect(await segmentsLeft({ persistedLogEntriesMax: 1 }, 1)).toBe(2);
  });
});
