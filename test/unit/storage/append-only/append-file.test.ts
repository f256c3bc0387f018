import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { Appender, FileWriter, MAGIC, replay, writeWhole } from '../../../../src/storage/append-only/append-file.js';
import { READ_CHUNK_BYTES } from '../../../../src/storage/append-only/limits.js';
import { encodeRecord, type BatchRecord } from '../../../../src/storage/append-only/record.js';
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

function bytesOf(record: BatchRecord): Buffer {
  return Buffer.concat(encodeRecord(record));
}

async function replayed(sync: boolean): Promise<{ records: BatchRecord[]; bytes: number; cutBytes: number }> {
  const records: BatchRecord[] = [];
  const { bytes, cutBytes } = await replay(file, (record) => records.push(record), sync);
  return { records, bytes, cutBytes };
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
  it('discards a file that someone else removed already, and fails on one it cannot remove', async () => {
    const gone = await FileWriter.create(`${file}.tmp`);
    await rm(`${file}.tmp`);
    await gone.discard();
    const blocked = await FileWriter.create(`${file}.tmp`);
    counted.unlinkFails = true;
    await expect(blocked.discard()).rejects.toThrow(/EIO/);
  });

  it('closes its file when a sync fails, and a discard then only removes it', async () => {
    const writer = await FileWriter.create(`${file}.tmp`);
    await writer.write([MAGIC]);
    counted.fsyncFails = true;
    await expect(writer.finish(true)).rejects.toThrow(/EIO/);
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
    expect(await replayed(sync)).toEqual({ records: [RECORD], bytes: whole, cutBytes: 0 });
    expect(counted.fdatasyncs).toBe(0);
    await writeFile(file, Buffer.concat([await readFile(file), bytesOf(RECORD).subarray(0, 5)]));
    expect(await replayed(sync)).toEqual({ records: [RECORD], bytes: whole, cutBytes: 5 });
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
    expect(sizes).toEqual({ bytes, cutBytes: zerosBytes });
    expect(counted.bytesRead).toBe(bytes + zerosBytes);
    // Compared as buffers: a deep equality of megabytes element by element takes seconds.
    expect(read.map((record) => record.cursor)).toEqual(records.map((record) => record.cursor));
    read.forEach((record, index) => {
      const [written, got] = [records[index]?.operations[0], record.operations[0]];
      expect(written?.type === 'SET' && got?.type === 'SET' && Buffer.from(got.value).equals(written.value), `record ${index}`).toBe(true);
    });
  });

  it('reads a record larger than a chunk whose length field is the last 4 bytes of a chunk', async () => {
    const valued = (index: number, bytes: number): BatchRecord => ({ operations: [{ ...set(`k${index}`, ''), value: new Uint8Array(bytes) }], cursor: null });
    // The first chunk is read after the magic: the first record fills it but for 4 bytes.
    const firstBytes = READ_CHUNK_BYTES - 4;
    const guess = firstBytes - bytesOf(valued(0, 0)).length;
    // Its header names the value's length: more digits, more bytes.
    const first = valued(0, guess - (bytesOf(valued(0, guess)).length - firstBytes));
    expect(bytesOf(first).length).toBe(firstBytes);
    const records = [first, valued(1, READ_CHUNK_BYTES + 7)];
    const bytes = await writeWhole(file, records, false);
    const { records: read, ...sizes } = await replayed(false);
    expect(sizes).toEqual({ bytes, cutBytes: 0 });
    expect(read).toHaveLength(2);
  });

  it('calls a bad record corruption when a byte that is not zero follows it more than a chunk later', async () => {
    await writeWhole(file, [RECORD], false);
    const tail = Buffer.alloc(READ_CHUNK_BYTES + 5);
    tail.writeUInt8(1, tail.length - 1);
    const whole = await readFile(file);
    await writeFile(file, Buffer.concat([whole, Buffer.from([1]), tail]));
    await expect(replayed(false)).rejects.toThrow(`corrupt record in ${file} at byte ${whole.length} (a record length of `);
    await expect(replayed(false)).rejects.toThrow(`with ${tail.length + 1} bytes after it: not a torn append`);
  });

  it('names the file and the offset of a record whose checksum holds but whose content is not a batch', async () => {
    const payload = Buffer.from('\u0002\u0000\u0000\u0000{}');
    const header = Buffer.alloc(8);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    await writeWhole(file, [RECORD], false);
    const offset = (await stat(file)).size;
    await writeFile(file, Buffer.concat([await readFile(file), header, payload]));
    await expect(replayed(false)).rejects.toThrow(`corrupt record in ${file} at byte ${offset}: `);
  });

  it('refuses a file that does not start with its magic, naming it', async () => {
    await writeFile(file, 'NADBAOF0 and the rest');
    await expect(replayed(false)).rejects.toThrow(StorageFailedError);
    await expect(replayed(false)).rejects.toThrow(`${file} is not an append-only file of this library (its first bytes are not NADBAOF1)`);
  });
});
