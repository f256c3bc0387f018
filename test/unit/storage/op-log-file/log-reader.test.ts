import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogCorruptError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS } from '../../../../src/core/limits.js';
import { MemoryStorage } from '../../../../src/storage/memory.js';
import { readLog } from '../../../../src/storage/op-log-file/log-reader.js';
import { encodeSegmentHeader, parseSegment, segmentFileName } from '../../../../src/storage/op-log-file/segment.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';
import { oneSet, openLogged, removeTempDirs, segmentBytes, tempDir, writeBatches } from './support.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

/** Whether readdir lists names last first: the order a directory lists them in is the file system's. */
const listing = vi.hoisted(() => ({ reversed: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const readdirListed = async (dir: string): Promise<string[]> => {
    const names = await real.readdir(dir);
    return listing.reversed ? names.reverse() : names;
  };
  return { ...real, readdir: readdirListed };
});

/** A log of one segment and three records (batches of 1, 2 and 1 operations), left as a crash leaves it. */
async function smallLog(): Promise<{ name: string; bytes: Buffer; recordOffsets: number[] }> {
  const dir = await tempDir();
  const logged = await openLogged(new MemoryStorage(), dir);
  await logged.apply([{ type: 'DELETE', path: 'a' }], { replicationId: 'h', sequence: 1 });
  await writeBatches(logged, 'h', 1, 2, 1.5);
  await logged.apply([{ type: 'FLUSH', db: null, namespace: 'n' }], { replicationId: 'h', sequence: 4 });
  const [name] = await readdir(dir);
  const bytes = await readFile(join(dir, name as string));
  const recordOffsets = parseSegment(bytes, 'segment', DEFAULT_LIMITS).records.map(({ offset }) => offset);
  return { name: name as string, bytes, recordOffsets };
}

async function readBytes(name: string, bytes: Buffer): Promise<Awaited<ReturnType<typeof readLog>>> {
  const dir = await tempDir();
  await writeFile(join(dir, name), bytes);
  return readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS);
}

let log: Awaited<ReturnType<typeof smallLog>>;
beforeAll(async () => {
  log = await smallLog();
});
beforeEach(resetCounts);
afterEach(async () => {
  listing.reversed = false;
  await removeTempDirs();
});

/** Sequences held by the records wholly before `offset`. */
function sequencesBefore(offset: number): number[] {
  const ends = [1, 3, 4];
  const whole = log.recordOffsets.filter((start, index) => (log.recordOffsets[index + 1] ?? log.bytes.length) <= offset && start < offset).length;
  return Array.from({ length: whole === 0 ? 0 : (ends[whole - 1] as number) }, (_, index) => index + 1);
}

describe('readLog', () => {
  it('reads the small log whole', async () => {
    expect(log.recordOffsets).toHaveLength(3);
    const read = await readBytes(log.name, log.bytes);
    expect(read.entries.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4]);
    expect(read.extent).toMatchObject({ historyId: 'h', firstSequence: 1, lastSequence: 4, closed: false });
  });

  it('cut at any offset past the header: keeps the records wholly before the cut, never more', async () => {
    const headerEnd = log.recordOffsets[0] as number;
    for (let offset = headerEnd; offset <= log.bytes.length; offset += 1) {
      const read = await readBytes(log.name, log.bytes.subarray(0, offset));
      expect(read.entries.map((entry) => entry.sequence), `cut at ${offset}`).toEqual(sequencesBefore(offset));
      const keptEnd = Math.max(...[...log.recordOffsets, log.bytes.length].filter((boundary) => boundary <= offset));
      expect(read.cutBytes, `cut at ${offset}`).toBe(offset - keptEnd);
    }
  });

  it('a byte changed anywhere: the last record is cut as a torn tail, and anywhere before it is a LogCorruptError', async () => {
    const lastRecord = log.recordOffsets[2] as number;
    for (let offset = 0; offset < log.bytes.length; offset += 1) {
      const damaged = Buffer.from(log.bytes);
      damaged[offset] = (damaged[offset] as number) ^ 0xff;
      if (offset < lastRecord) {
        await expect(readBytes(log.name, damaged), `byte ${offset}`).rejects.toThrow(LogCorruptError);
      } else {
        const read = await readBytes(log.name, damaged);
        expect(read.entries.map((entry) => entry.sequence), `byte ${offset}`).toEqual([1, 2, 3]);
        expect(read.cutBytes, `byte ${offset}`).toBe(log.bytes.length - lastRecord);
      }
    }
  });

  it('a torn tail is cut from the file, synced: the next read finds the log whole', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, log.name), log.bytes.subarray(0, log.bytes.length - 3));
    expect((await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).cutBytes).toBeGreaterThan(0);
    expect(counted.fdatasyncs).toBe(1);
    expect(counted.open.size).toBe(0);
    const again = await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS);
    expect(again.cutBytes).toBe(0);
    expect(again.entries.map((entry) => entry.sequence)).toEqual([1, 2, 3]);
  });

  it('zeros where the last records were (a crash of the machine) are a torn tail', async () => {
    const zeroed = Buffer.from(log.bytes);
    zeroed.fill(0, log.recordOffsets[1]);
    expect((await readBytes(log.name, zeroed)).entries.map((entry) => entry.sequence)).toEqual([1]);
  });

  it('refuses a torn record in a segment that is not the newest', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, log.name), log.bytes.subarray(0, log.bytes.length - 1));
    await writeFile(join(dir, segmentFileName(4)), encodeSegmentHeader({ historyId: 'h', firstSequence: 4, base: null }));
    await expect(readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).rejects.toThrow(/only the newest segment can have a torn tail/);
  });

  it('refuses segments with a gap between them, and of two histories', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, log.name), log.bytes);
    await writeFile(join(dir, segmentFileName(6)), encodeSegmentHeader({ historyId: 'h', firstSequence: 6, base: null }));
    await expect(readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).rejects.toThrow(/begins at sequence 6, where 5 was next/);
    await rm(join(dir, segmentFileName(6)));
    await writeFile(join(dir, segmentFileName(5)), encodeSegmentHeader({ historyId: 'other', firstSequence: 5, base: null }));
    await expect(readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).rejects.toThrow(/a log holds one history/);
  });

  it('refuses records that do not follow each other, and a CLOSED at another sequence, naming the file and byte', async () => {
    const dir = await tempDir();
    const file = join(dir, segmentFileName(1));
    const header = { historyId: 'h', firstSequence: 1, base: null };
    const at = segmentBytes(header, [oneSet(1)]).length;
    await writeFile(file, segmentBytes(header, [oneSet(1), oneSet(3)]));
    await expect(readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).rejects.toThrow(new LogCorruptError(`${file} at byte ${at}: sequence 3 follows 1`));
    await writeFile(file, segmentBytes(header, [oneSet(1), { kind: 'closed', writtenAtMs: 1, lastSequence: 2 }]));
    await expect(readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).rejects.toThrow(new LogCorruptError(`${file} at byte ${at}: a clean shutdown at sequence 2, after 1`));
  });

  it('refuses a segment whose header and name say different sequences', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, segmentFileName(2)), segmentBytes({ historyId: 'h', firstSequence: 1, base: null }, [oneSet(1)]));
    await expect(readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).rejects.toThrow(`${join(dir, segmentFileName(2))}: its header says sequence 1, its name 2`);
  });

  it('refuses a segment after one without records (the writer removes those), with a LogCorruptError', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, segmentFileName(1)), segmentBytes({ historyId: 'h', firstSequence: 1, base: null }, []));
    await writeFile(join(dir, segmentFileName(2)), segmentBytes({ historyId: 'h', firstSequence: 2, base: null }, [oneSet(2)]));
    await expect(readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).rejects.toThrow(new LogCorruptError(`${join(dir, segmentFileName(2))} begins at sequence 2, where 1 was next`));
  });

  it('a segment of its header alone is a log of no entries, not a clean shutdown', async () => {
    const read = await readBytes(segmentFileName(4), segmentBytes({ historyId: 'h', firstSequence: 4, base: null }, []));
    expect(read.extent).toEqual({ historyId: 'h', base: null, firstSequence: 4, lastSequence: 3, closed: false });
  });

  it('removes temp files a crash left, and ignores files that are not segments', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, log.name), log.bytes);
    await writeFile(join(dir, `${segmentFileName(5)}.tmp`), 'half a header');
    await writeFile(join(dir, 'notes.txt'), 'not a segment');
    expect((await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).extent?.lastSequence).toBe(4);
    expect((await readdir(dir)).sort()).toEqual([log.name, 'notes.txt']);
  });

  it('reads segments in sequence order, whatever order the directory lists them in', async () => {
    const dir = await tempDir();
    const header = (firstSequence: number): { historyId: string; firstSequence: number; base: null } => ({ historyId: 'h', firstSequence, base: null });
    for (const sequence of [1, 2, 3]) await writeFile(join(dir, segmentFileName(sequence)), segmentBytes(header(sequence), [oneSet(sequence)]));
    listing.reversed = true;
    expect((await readLog(dir, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_LIMITS)).entries.map((entry) => entry.sequence)).toEqual([1, 2, 3]);
  });

  it('refuses a file larger than a segment can be (logSegmentBytesMax + logRecordBytesMax + frameBytesMax), at one byte over', async () => {
    const limits = { ...DEFAULT_PERSISTED_LOG_LIMITS, logSegmentBytesMax: log.bytes.length, logRecordBytesMax: 3 };
    const coreLimits = { ...DEFAULT_LIMITS, frameBytesMax: 5 };
    const dir = await tempDir();
    // Zeros after the records are a torn tail: a file of exactly the bound is read, its zeros cut.
    await writeFile(join(dir, log.name), Buffer.concat([log.bytes, Buffer.alloc(8)]));
    expect((await readLog(dir, limits, coreLimits)).cutBytes).toBe(8);
    await writeFile(join(dir, log.name), Buffer.concat([log.bytes, Buffer.alloc(9)]));
    await expect(readLog(dir, limits, coreLimits)).rejects.toThrow(new LogCorruptError(`${join(dir, log.name)} holds ${log.bytes.length + 9} bytes, more than a segment can (logSegmentBytesMax + logRecordBytesMax + frameBytesMax = ${log.bytes.length + 8})`));
  });
});
