import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { Appender, FileWriter, MAGIC, replay, UNMARKED_MAGIC, writeWhole, type Replayed } from '../../../../src/storage/append-only/append-file.js';
import { READ_CHUNK_BYTES, WHOLE_FILE_SYNC_BYTES } from '../../../../src/storage/append-only/limits.js';
import { RECORD_BYTES_MAX } from '../../../../src/storage/limits.js';
import { encodeRecord, type BatchRecord } from '../../../../src/storage/append-only/record.js';
import { RECORD_MARKER } from '../../../../src/storage/record-frame.js';
import { set } from '../../../support/ops.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

const dirs: string[] = [];
let file: string;

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-aof-file-'));
  dirs.push(dir);
  file = join(dir, 'appendonly.nadb');
  resetCounts();
});

afterEach(async () => {
  // Every call here closes what it opened, failed or not.
  expect(counted.open.size).toBe(0);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const RECORD: BatchRecord = { operations: [set('p', 'value')], cursor: { replicationId: 'h', sequence: 1 } };

function frameHeader(payloadBytes: number, crc: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(payloadBytes, 0);
  header.writeUInt32LE(crc, 4);
  return header;
}

function bytesOf(record: BatchRecord): Buffer {
  return Buffer.concat(encodeRecord(record));
}

async function replayed(sync: boolean): Promise<{ records: BatchRecord[] } & Replayed> {
  const records: BatchRecord[] = [];
  return { records, ...(await replay(file, (record) => records.push(record), sync)) };
}

describe('writeWhole', () => {
  it.each([true, false])('writes the magic and the records, syncing the file and its directory when sync is %j', async (sync) => {
    const bytes = await writeWhole(file, [RECORD, RECORD], sync);
    expect(await readFile(file)).toEqual(Buffer.concat([MAGIC, bytesOf(RECORD), bytesOf(RECORD)]));
    expect(bytes).toBe((await stat(file)).size);
    expect(counted.fsyncs).toBe(sync ? 2 : 0);
    await expect(stat(`${file}.tmp`)).rejects.toThrow(/ENOENT/);
  });

  it('removes its temp file and leaves the old file whole when a write falls short', async () => {
    await writeWhole(file, [RECORD], false);
    counted.writevShortBy = 1;
    await expect(writeWhole(file, [RECORD, RECORD], false)).rejects.toThrow(/^short write to .*\.tmp: \d+ of \d+ bytes$/);
    await expect(stat(`${file}.tmp`)).rejects.toThrow(/ENOENT/);
    expect(await readFile(file)).toEqual(Buffer.concat([MAGIC, bytesOf(RECORD)]));
  });
});

describe('FileWriter', () => {
  it.each([true, false])('syncs every WHOLE_FILE_SYNC_BYTES on the way and once at the end when sync is %j', async (sync) => {
    const writer = await FileWriter.create(`${file}.tmp`, sync);
    const chunk = new Uint8Array(WHOLE_FILE_SYNC_BYTES / 4);
    for (let index = 0; index < 9; index += 1) await writer.write([chunk]);
    // 9 quarters: synced after the 4th and the 8th, the last quarter by the finish.
    expect(counted.fdatasyncs).toBe(sync ? 2 : 0);
    expect(await writer.finish()).toBe(9 * chunk.length);
    expect(counted.fsyncs).toBe(sync ? 1 : 0);
  });

  it('discards a file that someone else removed already, and fails on one it cannot remove', async () => {
    const gone = await FileWriter.create(`${file}.tmp`, false);
    await rm(`${file}.tmp`);
    await gone.discard();
    const blocked = await FileWriter.create(`${file}.tmp`, false);
    counted.unlinkFails = true;
    await expect(blocked.discard()).rejects.toThrow(/EIO/);
  });

  it('closes its file when a sync fails, and a discard then only removes it', async () => {
    const writer = await FileWriter.create(`${file}.tmp`, true);
    await writer.write([MAGIC]);
    counted.fsyncFails = true;
    await expect(writer.finish()).rejects.toThrow(/EIO/);
    await writer.discard();
    await expect(stat(`${file}.tmp`)).rejects.toThrow(/ENOENT/);
  });
});

describe('Appender', () => {
  it.each([true, false])('appends each record after the others, one fdatasync each when sync is %j', async (sync) => {
    const appender = await Appender.open(file, await writeWhole(file, [], false));
    await appender.append(encodeRecord(RECORD), sync);
    await appender.append(encodeRecord(RECORD), sync);
    await appender.close();
    expect(counted.fdatasyncs).toBe(sync ? 2 : 0);
    expect(appender.bytes).toBe((await stat(file)).size);
    expect((await replayed(false)).records).toEqual([RECORD, RECORD]);
  });

  it('refuses every append after one fell short, naming the first failure', async () => {
    const appender = await Appender.open(file, await writeWhole(file, [], false));
    counted.writevShortBy = 1;
    const length = bytesOf(RECORD).length;
    const shortWrite = `short write to ${file}: ${length - 1} of ${length} bytes`;
    await expect(appender.append(encodeRecord(RECORD), false)).rejects.toThrow(shortWrite);
    counted.writevShortBy = 0;
    appender.refuse(new Error('a later failure'));
    const refusal = appender.append(encodeRecord(RECORD), false);
    await expect(refusal).rejects.toThrow(StorageFailedError);
    await expect(refusal).rejects.toThrow(`${file}: an earlier append failed (${shortWrite}); reopen the storage`);
    await appender.close();
  });
});

describe('replay', () => {
  it.each([true, false])('cuts a torn tail and syncs the cut when sync is %j; a whole file is neither cut nor synced', async (sync) => {
    await writeWhole(file, [RECORD], false);
    const whole = (await stat(file)).size;
    expect(await replayed(sync)).toEqual({ records: [RECORD], bytes: whole, cutBytes: 0, marked: true });
    expect(counted.fdatasyncs).toBe(0);
    await writeFile(file, Buffer.concat([await readFile(file), bytesOf(RECORD).subarray(0, 5)]));
    expect(await replayed(sync)).toEqual({ records: [RECORD], bytes: whole, cutBytes: 5, marked: true });
    expect(counted.fdatasyncs).toBe(sync ? 1 : 0);
    expect((await stat(file)).size).toBe(whole);
  });

  it('reads records of every size across its read chunks, each byte once, and cuts zeros longer than a chunk', async () => {
    // Records ending just before, at and past chunk boundaries, one larger than a chunk; values of
    // zeros, so that a length read from the wrong place is small.
    const valueBytes = [10, READ_CHUNK_BYTES - 100, 3, READ_CHUNK_BYTES + 7, 50_000, READ_CHUNK_BYTES / 2, 1];
    const records = valueBytes.map((bytes, index): BatchRecord => ({
      operations: [{ ...set(`k${index}`, ''), value: new Uint8Array(bytes) }],
      cursor: { replicationId: 'h', sequence: index },
    }));
    const bytes = await writeWhole(file, records, false);
    const zerosBytes = READ_CHUNK_BYTES + 5;
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.alloc(zerosBytes)]));
    const { records: read, ...sizes } = await replayed(false);
    expect(sizes).toEqual({ bytes, cutBytes: zerosBytes, marked: true });
    expect(counted.bytesRead).toBe(bytes + zerosBytes);
    // A chunk, or one record when it is larger: never the whole file at once.
    expect(counted.readBytesMax).toBeLessThanOrEqual(bytesOf(records[3] as BatchRecord).length);
    // Compared as buffers: a deep equality of megabytes element by element takes seconds.
    expect(read.map((record) => record.cursor)).toEqual(records.map((record) => record.cursor));
    read.forEach((record, index) => {
      const [written, got] = [records[index]?.operations[0], record.operations[0]];
      expect(written?.type === 'SET' && got?.type === 'SET' && Buffer.from(got.value).equals(written.value), `record ${index}`).toBe(true);
    });
  });

  // 1 to 3: the chunk ends in the marker; 4: after it; 5 to 7: in the length field; 8: after it.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('reads a record larger than a chunk whose first %i bytes end a chunk, each byte once', async (left) => {
    const valued = (index: number, bytes: number): BatchRecord => ({ operations: [{ ...set(`k${index}`, ''), value: new Uint8Array(bytes) }], cursor: null });
    // The first chunk is read after the magic: the first record fills it but for `left` bytes.
    const firstBytes = READ_CHUNK_BYTES - left;
    const guess = firstBytes - bytesOf(valued(0, 0)).length;
    // Its header names the value's length: more digits, more bytes.
    const first = valued(0, guess - (bytesOf(valued(0, guess)).length - firstBytes));
    expect(bytesOf(first).length).toBe(firstBytes);
    const records = [first, valued(1, READ_CHUNK_BYTES + 7)];
    const bytes = await writeWhole(file, records, false);
    resetCounts();
    const { records: read, ...sizes } = await replayed(false);
    expect(sizes).toEqual({ bytes, cutBytes: 0, marked: true });
    expect(read).toHaveLength(2);
    expect(counted.bytesRead).toBe(bytes);
  });

  it('calls a bad record corruption when a byte that is not zero follows it more than a chunk later', async () => {
    await writeWhole(file, [RECORD], false);
    const tail = Buffer.alloc(READ_CHUNK_BYTES + 5);
    tail.writeUInt8(1, tail.length - 1);
    const whole = await readFile(file);
    await writeFile(file, Buffer.concat([whole, Buffer.from([1]), tail]));
    await expect(replayed(false)).rejects.toThrow(`corrupt record in ${file} at byte ${whole.length} (no record marker) with ${tail.length + 1} bytes from it, more than its frame: not a torn append`);
  });

  it('names the file and the offset of a record whose checksum holds but whose content is not a batch', async () => {
    const payload = Buffer.from('\u0002\u0000\u0000\u0000{}');
    const header = Buffer.alloc(8);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    await writeWhole(file, [RECORD], false);
    const offset = (await stat(file)).size;
    await writeFile(file, Buffer.concat([await readFile(file), RECORD_MARKER, header, payload]));
    await expect(replayed(false)).rejects.toThrow(`corrupt record in ${file} at byte ${offset}: `);
  });

  it('refuses a file that does not start with its magic, naming it', async () => {
    await writeFile(file, 'NADBAOF0 and the rest');
    await expect(replayed(false)).rejects.toThrow(StorageFailedError);
    await expect(replayed(false)).rejects.toThrow(`${file} is not an append-only file of this library (its first bytes are not NADBAOF2 or NADBAOF1)`);
  });
});

describe('replay: damage and torn tails', () => {
  const RECORDS: BatchRecord[] = [1, 2, 3].map((sequence) => ({ operations: [set(`p${sequence}`, `value ${sequence}`)], cursor: { replicationId: 'h', sequence } }));

  /** The file of RECORDS, and where each record begins. */
  async function written(): Promise<{ bytes: Buffer; offsets: number[] }> {
    await writeWhole(file, RECORDS, false);
    const offsets = RECORDS.map((_, index) => MAGIC.length + RECORDS.slice(0, index).reduce((total, record) => total + bytesOf(record).length, 0));
    return { bytes: await readFile(file), offsets };
  }

  it('refuses a record whose length field reaches past the end of the file, with durable records after it, naming its offset and cutting nothing', async () => {
    const { bytes, offsets } = await written();
    for (const [index, offset] of offsets.slice(0, -1).entries()) {
      for (const length of [bytes.length, RECORD_BYTES_MAX, RECORD_BYTES_MAX + 1, 0xffffffff]) {
        const damaged = Buffer.from(bytes);
        damaged.writeUInt32LE(length, offset + RECORD_MARKER.length);
        await writeFile(file, damaged);
        const next = offsets[index + 1] as number;
        await expect(replayed(true), `record ${index}, length ${length}`).rejects.toThrow(`corrupt record in ${file} at byte ${offset} (`);
        await expect(replayed(true)).rejects.toThrow(`with a good record at byte ${next} after it: not a torn append`);
        expect(await readFile(file)).toEqual(damaged);
      }
    }
  });

  it('refuses a bad record with more bytes after it than one append writes, without reading them', async () => {
    await writeWhole(file, [RECORD], false);
    const offset = (await stat(file)).size;
    // A length above RECORD_BYTES_MAX, then a hole past 1 GiB (sparse: no disk used) and one byte.
    await writeFile(file, Buffer.concat([await readFile(file), RECORD_MARKER, frameHeader(0xffffffff, 0)]));
    const size = offset + 12 + RECORD_BYTES_MAX + 1;
    await truncate(file, size - 1);
    await appendFile(file, Buffer.from([1]));
    resetCounts();
    await expect(replayed(false)).rejects.toThrow(`corrupt record in ${file} at byte ${offset} (a record length of 4294967295 bytes) with ${size - offset} bytes from it, more than one append writes`);
    expect(counted.readBytesMax).toBeLessThanOrEqual(READ_CHUNK_BYTES);
  });

  it('refuses the last record under a length past the end of the file when its CRC-32 holds over the bytes there: a whole record, not a torn one', async () => {
    const { bytes, offsets } = await written();
    const last = offsets[2] as number;
    bytes.writeUInt32LE(bytes.length, last + RECORD_MARKER.length);
    await writeFile(file, bytes);
    await expect(replayed(false)).rejects.toThrow(`corrupt record in ${file} at byte ${last} (a record cut short) with ${bytes.length - last} bytes from it over which its CRC-32 holds: a whole record under a wrong length`);
  });

  it('cuts a torn last record of every length, and keeps every record before it', async () => {
    const { bytes, offsets } = await written();
    const last = offsets[2] as number;
    for (let end = last + 1; end < bytes.length; end += 1) {
      await writeFile(file, bytes.subarray(0, end));
      const { records, ...sizes } = await replayed(false);
      expect(sizes, `torn at ${end}`).toEqual({ bytes: last, cutBytes: end - last, marked: true });
      expect(records).toEqual(RECORDS.slice(0, 2));
    }
  });

  it('a byte changed anywhere: a record before the last is refused, naming it; the last is refused when its marker or length changed, else cut', async () => {
    const { bytes, offsets } = await written();
    const last = offsets[2] as number;
    for (let at = MAGIC.length; at < bytes.length; at += 1) {
      const damaged = Buffer.from(bytes);
      damaged[at] = (damaged[at] as number) ^ 0xff;
      await writeFile(file, damaged);
      const recordAt = Math.max(...offsets.filter((offset) => offset <= at));
      if (recordAt < last || at < last + RECORD_MARKER.length + 4) {
        await expect(replayed(false), `byte ${at}`).rejects.toThrow(`corrupt record in ${file} at byte ${recordAt} (`);
      } else {
        const { records, ...sizes } = await replayed(false);
        expect(sizes, `byte ${at}`).toEqual({ bytes: last, cutBytes: bytes.length - last, marked: true });
        expect(records).toEqual(RECORDS.slice(0, 2));
      }
    }
  });
});

describe('replay: the first format (NADBAOF1, no record marker)', () => {
  const RECORDS: BatchRecord[] = [1, 2, 3].map((sequence) => ({ operations: [set(`p${sequence}`, `value ${sequence}`)], cursor: { replicationId: 'h', sequence } }));

  /** A file as the first format wrote it: each record is the current one without its marker. */
  function unmarkedFile(records: readonly BatchRecord[]): Buffer {
    return Buffer.concat([UNMARKED_MAGIC, ...records.flatMap((record) => encodeRecord(record).slice(1))]);
  }

  it('reads its records, and says that the file is unmarked', async () => {
    const bytes = unmarkedFile(RECORDS);
    await writeFile(file, bytes);
    expect(await replayed(false)).toEqual({ records: RECORDS, bytes: bytes.length, cutBytes: 0, marked: false });
  });

  it('refuses a length field damaged past the end of the file with records after it, found by the search for its header\'s first bytes', async () => {
    const bytes = unmarkedFile(RECORDS);
    const second = unmarkedFile(RECORDS.slice(0, 1)).length;
    bytes.writeUInt32LE(bytes.length, UNMARKED_MAGIC.length);
    await writeFile(file, bytes);
    await expect(replayed(false)).rejects.toThrow(`corrupt record in ${file} at byte ${UNMARKED_MAGIC.length} (a record cut short) with a good record at byte ${second} after it`);
  });

  it('cuts a torn record of 4 MiB of random bytes, where lengths that fit abound, without checking them all', async () => {
    // Any u32 at a byte of the torn record fits within it one time in a thousand: checking each
    // such length's CRC would take gigabytes and give up; the search looks only where `{"cursor":` is.
    const value = new Uint8Array(4 * 1024 * 1024);
    let state = 0x9e3779b9;
    for (let index = 0; index < value.length; index += 1) {
      state = (state ^ (state << 13) ^ (state >>> 17) ^ (state << 5)) >>> 0;
      value[index] = state & 0xff;
    }
    const big = { operations: [{ ...set('big', ''), value }], cursor: null };
    const kept = unmarkedFile(RECORDS);
    await writeFile(file, Buffer.concat([kept, Buffer.concat(encodeRecord(big).slice(1)).subarray(0, 3 * 1024 * 1024)]));
    const { records, ...sizes } = await replayed(false);
    expect(sizes).toEqual({ bytes: kept.length, cutBytes: 3 * 1024 * 1024, marked: false });
    expect(records).toEqual(RECORDS);
  });

  it('cuts a torn last record of every length', async () => {
    const bytes = unmarkedFile(RECORDS);
    const last = unmarkedFile(RECORDS.slice(0, 2)).length;
    for (let end = last + 1; end < bytes.length; end += 1) {
      await writeFile(file, bytes.subarray(0, end));
      const { records, ...sizes } = await replayed(false);
      expect(sizes, `torn at ${end}`).toEqual({ bytes: last, cutBytes: end - last, marked: false });
      expect(records).toEqual(RECORDS.slice(0, 2));
    }
  });
});
