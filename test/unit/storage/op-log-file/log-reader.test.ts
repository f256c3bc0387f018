import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LogCorruptError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS } from '../../../../src/core/limits.js';
import { MemoryStorage } from '../../../../src/storage/memory.js';
import { readLog } from '../../../../src/storage/op-log-file/log-reader.js';
import { encodeSegmentHeader, parseSegment, segmentFileName } from '../../../../src/storage/op-log-file/segment.js';
import { openLogged, removeTempDirs, tempDir, writeBatches } from './support.js';

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
afterEach(removeTempDirs);

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
});
