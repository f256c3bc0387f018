import { appendFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFailedError } from '../../../src/core/errors.js';
import { ConfigError } from '../../../src/core/errors.js';
import type { Operation } from '../../../src/core/operation.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import { AppendOnlyStorage } from '../../../src/storage/append-only.js';
import { READ_CHUNK_BYTES, REWRITE_ENTRIES_PER_RECORD } from '../../../src/storage/append-only/limits.js';
import { recordsOf } from '../../../src/storage/append-only/rewrite.js';
import { Keyspace } from '../../../src/core/keyspace.js';
import { decodeRecord, encodeRecord, RECORD_SHAPE } from '../../../src/storage/append-only/record.js';
import { frameAt, RECORD_MARKER } from '../../../src/storage/record-frame.js';
import { del, set, text } from '../../support/ops.js';
import { counted, resetCounts } from '../../support/counted-fd-calls.js';
import { describeDurabilityByFsync, describeStorageContract, openedFrom } from './contract.js';

// The real calls, counted: whether a rewrite started shows as its temp file opened.
vi.mock('../../../src/storage/fd-calls.js', () => import('../../support/counted-fd-calls.js'));

const FILE_NAME = 'appendonly.nadb';
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-aof-'));
  dirs.push(dir);
  return dir;
}

beforeEach(resetCounts);

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Rewrites begun since the counts were reset: each opens the temp file as it starts (as does opening a new file). */
function rewritesStarted(): number {
  return counted.opened.filter((path) => path.endsWith(`${FILE_NAME}.tmp`)).length;
}

function recordBytes(record: { operations: Operation[]; cursor: Cursor | null }): number {
  return Buffer.concat(encodeRecord(record)).length;
}

const cursorOld: Cursor = { replicationId: 'h', sequence: 1 };
const cursorNew: Cursor = { replicationId: 'h', sequence: 2 };

describe('AppendOnlyStorage', () => {
  describeStorageContract('AppendOnlyStorage', async () => {
    const basePath = await tempDir();
    return openedFrom(() => AppendOnlyStorage.open({ basePath, fsync: false }));
  });
  // A rewrite after nearly every apply: the rewritten file must mean what the appended one did.
  describeStorageContract('AppendOnlyStorage rewriting at 1 KiB', async () => {
    const basePath = await tempDir();
    return openedFrom(() => AppendOnlyStorage.open({ basePath, fsync: false, rewriteMinBytes: 1024 }));
  });

  describeDurabilityByFsync(async (fsync) => AppendOnlyStorage.open({ basePath: await tempDir(), ...(fsync === undefined ? {} : { fsync }) }));

  it('replays its file at open: data, cursor, and a staged commit; never a staging area', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath });
    await storage.apply([set('a', '1'), set('b', '2', { tags: ['t'], expiresAtMs: 7 })], cursorOld);
    await storage.apply([del('a'), { type: 'METADATA', path: 'b', tags: ['u'] }], null);
    await storage.stageBegin();
    await storage.stageApply([set('never', 'committed')]);
    await storage.close();
    const again = await AppendOnlyStorage.open({ basePath });
    expect(await again.list()).toEqual(['b']);
    expect(await again.metadata('b')).toMatchObject({ tags: ['u'], expiresAtMs: 7, sizeBytes: 1 });
    expect(await again.loadCursor()).toEqual(cursorOld);
    await again.stageBegin();
    await again.stageApply([set('c', '3')]);
    await again.stageCommit(cursorNew);
    await again.close();
    const third = await AppendOnlyStorage.open({ basePath });
    expect(await third.list()).toEqual(['c']);
    expect(await third.loadCursor()).toEqual(cursorNew);
    expect(third.cutBytesAtOpen).toBe(0);
    await third.close();
  });

  it('cuts a torn last record (cut short, zeros, or whole but garbled) and keeps every record before it', async () => {
    for (const tear of ['short', 'zeros', 'garbled'] as const) {
      const basePath = await tempDir();
      const storage = await AppendOnlyStorage.open({ basePath });
      await storage.apply([set('kept', 'yes')], cursorOld);
      await storage.close();
      const file = join(basePath, FILE_NAME);
      const record = Buffer.concat(encodeRecord({ operations: [set('torn', 'no')], cursor: cursorNew }));
      await appendFile(file, tornAs(tear, record));
      const sizeTorn = (await stat(file)).size;
      const again = await AppendOnlyStorage.open({ basePath });
      expect(await again.list(), tear).toEqual(['kept']);
      expect(await again.loadCursor()).toEqual(cursorOld);
      expect(again.cutBytesAtOpen).toBe(tear === 'short' ? record.length - 3 : record.length);
      expect((await stat(file)).size).toBe(sizeTorn - again.cutBytesAtOpen);
      // Appends go on from the cut: the next open finds every record whole.
      await again.apply([set('after', 'cut')], cursorNew);
      await again.close();
      const third = await AppendOnlyStorage.open({ basePath });
      expect(await third.list()).toEqual(['after', 'kept']);
      expect(third.cutBytesAtOpen).toBe(0);
      await third.close();
    }
  });

  /** What a crash mid-append can leave: fewer bytes, zeros where the page was not written, or other bytes. */
  function tornAs(tear: 'short' | 'zeros' | 'garbled', record: Buffer): Buffer {
    if (tear === 'short') return record.subarray(0, record.length - 3);
    if (tear === 'zeros') return Buffer.alloc(record.length);
    const garbled = Buffer.from(record);
    garbled.writeUInt8(garbled.readUInt8(garbled.length - 1) ^ 0x5a, garbled.length - 1);
    return garbled;
  }

  it('refuses to open a file with a bad record followed by good ones, and a file that is not its own', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath });
    await storage.apply([set('a', 'first')], cursorOld);
    await storage.apply([set('b', 'second')], cursorNew);
    await storage.close();
    const file = join(basePath, FILE_NAME);
    const bytes = await readFile(file);
    const firstValueAt = bytes.indexOf('first');
    bytes.writeUInt8(bytes.readUInt8(firstValueAt) ^ 0xff, firstValueAt);
    await writeFile(file, bytes);
    await expect(AppendOnlyStorage.open({ basePath })).rejects.toThrow(/corrupt record in .* at byte 8 \(a CRC-32 mismatch\)/);
    await writeFile(file, 'something else entirely');
    await expect(AppendOnlyStorage.open({ basePath })).rejects.toThrow(StorageFailedError);
  });

  it('refuses to open a file whose first record\'s length field reaches past its end, with acknowledged records after it, and cuts nothing', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath });
    for (const [index, path] of ['a', 'b', 'c'].entries()) await storage.apply([set(path, 'durable')], { replicationId: 'h', sequence: index + 1 });
    await storage.close();
    const file = join(basePath, FILE_NAME);
    const bytes = await readFile(file);
    // The first record's length field, after the magic and its marker, made to reach past the end.
    bytes.writeUInt32LE(bytes.readUInt32LE(12) + bytes.length, 12);
    await writeFile(file, bytes);
    const opening = AppendOnlyStorage.open({ basePath });
    await expect(opening).rejects.toThrow(StorageFailedError);
    await expect(opening).rejects.toThrow(/^corrupt record in .*appendonly\.nadb at byte 8 \(a record cut short\) with a good record at byte \d+ after it: not a torn append; restore the file or resync this node from a fresh directory$/);
    expect(await readFile(file)).toEqual(bytes);
  });

  it('opens a file of the first format (no record markers), writes it anew in the current one, and appends to that', async () => {
    const basePath = await tempDir();
    const file = join(basePath, FILE_NAME);
    const records = [{ operations: [set('a', '1'), set('b', '2')], cursor: cursorOld }, { operations: [del('a')], cursor: null }];
    // The current records without their markers, as the first format wrote them; its torn tail is cut first.
    const torn = encodeRecord({ operations: [set('torn', 'x')], cursor: cursorNew }).slice(1);
    await writeFile(file, Buffer.concat([Buffer.from('NADBAOF1'), ...records.flatMap((record) => encodeRecord(record).slice(1)), Buffer.concat(torn).subarray(0, 20)]));
    const storage = await AppendOnlyStorage.open({ basePath });
    expect(storage.cutBytesAtOpen).toBe(20);
    expect(await storage.list()).toEqual(['b']);
    expect(await storage.loadCursor()).toEqual(cursorOld);
    const converted = await readFile(file);
    expect(converted).toEqual(Buffer.concat([Buffer.from('NADBAOF2'), ...encodeRecord({ operations: [set('b', '2')], cursor: cursorOld })]));
    await storage.apply([set('c', '3')], cursorNew);
    await storage.close();
    expect(await readFile(file)).toEqual(Buffer.concat([converted, ...encodeRecord({ operations: [set('c', '3')], cursor: cursorNew })]));
    const again = await AppendOnlyStorage.open({ basePath });
    expect(await again.list()).toEqual(['b', 'c']);
    expect(await again.loadCursor()).toEqual(cursorNew);
    await again.close();
  });

  it('refuses a rewriteMinBytes that is not positive, with a ConfigError', async () => {
    for (const rewriteMinBytes of [0, -1, Number.NaN]) {
      const opening = AppendOnlyStorage.open({ basePath: await tempDir(), rewriteMinBytes });
      await expect(opening).rejects.toThrow(ConfigError);
      await expect(opening).rejects.toThrow(`rewriteMinBytes must be positive, got ${rewriteMinBytes}`);
    }
  });

  it('writes nothing for an apply of nothing, and answers it as any other', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath });
    const { size } = await stat(join(basePath, FILE_NAME));
    expect(await storage.apply([], null)).toEqual({ durable: true });
    expect((await stat(join(basePath, FILE_NAME))).size).toBe(size);
    await storage.close();
  });

  it('starts a rewrite once the file reaches rewriteMinBytes, not before', async () => {
    const operations = [set('a', 'value')];
    const rewriteMinBytes = 8 + recordBytes({ operations, cursor: null }) * 2;
    const storage = await AppendOnlyStorage.open({ basePath: await tempDir(), rewriteMinBytes });
    const opened = rewritesStarted();
    await storage.apply(operations, null);
    expect(rewritesStarted()).toBe(opened);
    await storage.apply(operations, null);
    expect(rewritesStarted()).toBe(opened + 1);
    await storage.close();
  });

  it('rewrites a small file only past the default threshold (64 MiB)', async () => {
    const storage = await AppendOnlyStorage.open({ basePath: await tempDir() });
    const opened = rewritesStarted();
    for (let round = 0; round < 5; round += 1) await storage.apply([set(`k${round}`, 'v'.repeat(100))], null);
    expect(rewritesStarted()).toBe(opened);
    await storage.close();
  });

  it('at open, waits for the file to double (since its last rewrite) before rewriting it', async () => {
    const basePath = await tempDir();
    const big = [set('big', 'x'.repeat(4096))];
    const storage = await AppendOnlyStorage.open({ basePath, rewriteMinBytes: 1024 ** 3 });
    await storage.apply(big, null);
    await storage.rewrite();
    await storage.apply([set('small', 's')], null);
    await storage.close();
    const again = await AppendOnlyStorage.open({ basePath, rewriteMinBytes: 1024 });
    const opened = rewritesStarted();
    await again.apply([set('small', 's')], null);
    expect(rewritesStarted()).toBe(opened);
    await again.close();
  });

  it('after a failed rewrite, waits for the file to double before trying again', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath, rewriteMinBytes: 1 });
    await mkdir(join(basePath, `${FILE_NAME}.tmp`, 'in-the-way'), { recursive: true });
    await storage.apply([set('a', 'x'.repeat(1024))], cursorOld);
    await expect(storage.rewrite()).rejects.toThrow(/rewriting .* failed: EISDIR/);
    const tried = rewritesStarted();
    await storage.apply([set('b', '2')], cursorNew);
    expect(rewritesStarted()).toBe(tried);
    await storage.close();
  });

  it('reports a rewrite whose temp file fails to sync, removes it, and keeps appending to the old file', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath, fsync: true });
    await storage.apply([set('a', '1')], cursorOld);
    counted.fsyncFails = true;
    await expect(storage.rewrite()).rejects.toThrow(/rewriting .* failed: EIO: i\/o error, fsync/);
    counted.fsyncFails = false;
    await expect(stat(join(basePath, `${FILE_NAME}.tmp`))).rejects.toThrow(/ENOENT/);
    await storage.apply([set('b', '2')], cursorNew);
    await storage.close();
    const again = await AppendOnlyStorage.open({ basePath });
    expect(await again.list()).toEqual(['a', 'b']);
    await again.close();
  });

  it('refuses every apply once a rewrite or a staged commit could not rename its file into place', async () => {
    for (const replacing of ['rewrite', 'stageCommit'] as const) {
      const basePath = await tempDir();
      const storage = await AppendOnlyStorage.open({ basePath });
      await storage.apply([set('a', '1')], cursorOld);
      counted.renameFails = true;
      if (replacing === 'rewrite') {
        await expect(storage.rewrite()).rejects.toThrow(/rewriting .* failed: EIO: i\/o error, rename/);
      } else {
        await storage.stageBegin();
        await storage.stageApply([set('c', '3')]);
        await expect(storage.stageCommit(cursorNew)).rejects.toThrow(/EIO: i\/o error, rename/);
      }
      counted.renameFails = false;
      await expect(storage.apply([set('b', '2')], cursorNew), replacing).rejects.toThrow(/an earlier append failed \(.*EIO: i\/o error, rename\); reopen the storage/);
      await storage.close();
      const again = await AppendOnlyStorage.open({ basePath });
      expect(await again.list(), replacing).toEqual(['a']);
      await again.close();
    }
  });

  it('closes every file it opened', async () => {
    const storage = await AppendOnlyStorage.open({ basePath: await tempDir() });
    await storage.apply([set('a', '1')], cursorOld);
    await storage.rewrite();
    await storage.stageBegin();
    await storage.stageCommit(cursorNew);
    await storage.close();
    expect(counted.open.size).toBe(0);
  });

  it('refuses to open where its file cannot be looked at, rather than writing a new one over it', async () => {
    const basePath = await tempDir();
    const file = join(basePath, FILE_NAME);
    await symlink(file, file);
    await expect(AppendOnlyStorage.open({ basePath })).rejects.toThrow(/ELOOP/);
    expect(rewritesStarted()).toBe(0);
  });

  it('rewrites its file on its own once it has grown past the threshold, keeping it bounded', async () => {
    const basePath = await tempDir();
    const rewriteMinBytes = 4096;
    const storage = await AppendOnlyStorage.open({ basePath, rewriteMinBytes });
    let appendedBytes = 0;
    for (let round = 0; round < 500; round += 1) {
      const operations = [set(`k${round % 10}`, `value ${round}`)];
      appendedBytes += Buffer.concat(encodeRecord({ operations, cursor: null })).length;
      await storage.apply(operations, { replicationId: 'h', sequence: round + 1 });
    }
    await storage.close();
    // Ten entries remain; a rewrite under way at close is given up, so allow the threshold twice over.
    expect(appendedBytes).toBeGreaterThan(15 * rewriteMinBytes);
    expect((await stat(join(basePath, FILE_NAME))).size).toBeLessThan(3 * rewriteMinBytes);
    const again = await AppendOnlyStorage.open({ basePath, rewriteMinBytes });
    expect(await again.list()).toHaveLength(10);
    expect(text((await again.read('k9'))?.value)).toBe('value 499');
    expect(await again.loadCursor()).toEqual({ replicationId: 'h', sequence: 500 });
    await again.close();
  });

  it('reads back a record larger than its read chunk', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath });
    const big = Buffer.alloc(READ_CHUNK_BYTES + 12_345);
    for (let index = 0; index < big.length; index += 1) big[index] = index % 251;
    await storage.apply([set('small', 's')], null);
    await storage.apply([{ ...set('big', ''), value: big }], cursorOld);
    await storage.apply([set('after', 'a')], cursorNew);
    await storage.close();
    const again = await AppendOnlyStorage.open({ basePath });
    // Compared as one buffer: a deep equality of four million elements takes seconds.
    expect(big.equals((await again.read('big'))?.value ?? new Uint8Array())).toBe(true);
    expect(await again.list()).toEqual(['after', 'big', 'small']);
    await again.close();
  });

  it('a failed rewrite leaves the old file whole and is reported once, by the next write', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath, rewriteMinBytes: 1 });
    // The rewrite's temp file cannot be made where a directory stands in its way.
    await mkdir(join(basePath, `${FILE_NAME}.tmp`, 'in-the-way'), { recursive: true });
    await storage.apply([set('a', '1')], cursorOld);
    await expect(storage.rewrite()).rejects.toThrow(/rewriting .* failed: EISDIR/);
    await storage.apply([set('b', '2')], cursorNew);
    await storage.close();
    await rm(join(basePath, `${FILE_NAME}.tmp`), { recursive: true });
    const again = await AppendOnlyStorage.open({ basePath, rewriteMinBytes: 1 });
    expect(await again.list()).toEqual(['a', 'b']);
    expect(await again.loadCursor()).toEqual(cursorNew);
    await again.close();
  });

  it('rewrites in the background while applies go on: the new file holds what was applied meanwhile', async () => {
    const basePath = await tempDir();
    const storage = await AppendOnlyStorage.open({ basePath });
    await storage.apply(Array.from({ length: 5_000 }, (_, index) => set(`before/${index}`, 'x'.repeat(50))), cursorOld);
    const { ino } = await stat(join(basePath, FILE_NAME));
    const rewritten = storage.rewrite();
    // Made while the snapshot is written: these reach the new file after it.
    const during = Array.from({ length: 20 }, (_, index) => storage.apply([set(`during/${index}`, String(index)), del(`before/${index}`)], { replicationId: 'h', sequence: index + 2 }));
    await Promise.all([rewritten, ...during]);
    const { size, ino: inoRewritten } = await stat(join(basePath, FILE_NAME));
    // Renamed into place, not given up (outrun: REWRITE_BUFFER_BYTES_MAX).
    expect(inoRewritten).not.toBe(ino);
    await storage.close();
    const again = await AppendOnlyStorage.open({ basePath });
    expect(await again.list('during/')).toHaveLength(20);
    expect(await again.list('before/')).toHaveLength(4_980);
    expect(await again.loadCursor()).toEqual({ replicationId: 'h', sequence: 21 });
    expect((await stat(join(basePath, FILE_NAME))).size).toBe(size);
    await again.close();
  });
});

describe('append-only records', () => {
  // An empty value between others: a CRC chained over chunks once restarted at zero there.
  const record = {
    operations: [
      set('p', 'v', { tags: ['t'], expiresAtMs: 9 }),
      set('empty', ''),
      set('r', 'w'),
      del('q'),
      { type: 'SET_TTL', path: 'p', expiresAtMs: null } as const,
      { type: 'SET_TTL', path: 'r', expiresAtMs: 5 } as const,
      { type: 'METADATA', path: 'r', tags: ['a', 'b'] } as const,
      { type: 'FLUSH', db: null, namespace: 'n' } as const,
      { type: 'FLUSH', db: 'd', namespace: null } as const,
    ],
    cursor: cursorOld,
  };

  it('decode what encode made, whole or arriving a byte at a time', () => {
    const bytes = Buffer.concat(encodeRecord(record));
    for (let length = 0; length < bytes.length; length += 1) expect(frameAt(bytes.subarray(0, length), 0, RECORD_SHAPE).kind).toBe('incomplete');
    const framed = frameAt(bytes, 0, RECORD_SHAPE);
    expect(framed.kind).toBe('record');
    if (framed.kind !== 'record') return;
    expect(RECORD_MARKER.length + framed.frameBytes).toBe(bytes.length);
    expect(decodeRecord(framed.payload, 'test')).toEqual(record);
  });

  it('find a flipped bit in any byte of a record', () => {
    const bytes = Buffer.concat(encodeRecord(record));
    for (let index = 0; index < bytes.length; index += 1) {
      const flipped = Buffer.from(bytes);
      flipped.writeUInt8(flipped.readUInt8(index) ^ 0x10, index);
      expect(frameAt(flipped, 0, RECORD_SHAPE).kind, `byte ${index}`).not.toBe('record');
    }
  });

  /** A record framed and checksummed as the file holds it, around a payload made by hand. */
  function framedPayload(headerJson: string, values = ''): Buffer {
    const header = Buffer.from(headerJson);
    const headerLength = Buffer.alloc(4);
    headerLength.writeUInt32LE(header.length);
    const payload = Buffer.concat([headerLength, header, Buffer.from(values)]);
    const framed = frameAt(Buffer.concat([Buffer.from('NLR1'), frameHeader(payload.length, crc32(payload)), payload]), 0, RECORD_SHAPE);
    if (framed.kind !== 'record') throw new Error(`not a record: ${framed.kind}`);
    return framed.payload;
  }

  function frameHeader(payloadBytes: number, crc: number): Buffer {
    const header = Buffer.alloc(8);
    header.writeUInt32LE(payloadBytes, 0);
    header.writeUInt32LE(crc, 4);
    return header;
  }

  const SET_HEADER = { type: 'SET', path: 'p', key: 'p', db: 'd', namespace: 'n', tags: [], expiresAtMs: null, valueBytes: 1 };
  it.each([
    ['a header past its end', () => Buffer.from([0xff, 0, 0, 0, 0x7b]), /its header runs past its end/],
    ['a header that is not JSON', () => framedPayload('{cursor'), /its header is not a JSON object/],
    ['a header that is JSON null', () => framedPayload('null'), /its header is not a JSON object/],
    ['no ops', () => framedPayload('{"cursor":null}'), /its header has no cursor and ops/],
    ['a cursor that is not a string', () => framedPayload('{"cursor":3,"ops":[]}'), /its header has no cursor and ops/],
    ['values short of the header', () => framedPayload(JSON.stringify({ cursor: null, ops: [SET_HEADER] })), /its values do not fill it/],
    ['bytes beyond the values', () => framedPayload(JSON.stringify({ cursor: null, ops: [SET_HEADER] }), 'vx'), /its values do not fill it/],
    ['a SET without a key', () => framedPayload(JSON.stringify({ cursor: null, ops: [{ ...SET_HEADER, key: 1 }] }), 'v'), /invalid operation/],
    ['a SET of -1 bytes', () => framedPayload(JSON.stringify({ cursor: null, ops: [{ ...SET_HEADER, valueBytes: -1 }] })), /invalid operation/],
    ['a SET with a tag that is not text', () => framedPayload(JSON.stringify({ cursor: null, ops: [{ ...SET_HEADER, tags: [1] }] }), 'v'), /invalid operation/],
    ['a DELETE without a path', () => framedPayload('{"cursor":null,"ops":[{"type":"DELETE"}]}'), /invalid operation/],
    ['a SET_TTL with an expiry that is text', () => framedPayload('{"cursor":null,"ops":[{"type":"SET_TTL","path":"p","expiresAtMs":"9"}]}'), /invalid operation/],
    ['a SET_TTL without a path', () => framedPayload('{"cursor":null,"ops":[{"type":"SET_TTL","expiresAtMs":9}]}'), /invalid operation/],
    ['a METADATA whose tags are not a list', () => framedPayload('{"cursor":null,"ops":[{"type":"METADATA","path":"p","tags":"t"}]}'), /invalid operation/],
    ['a FLUSH of db 1', () => framedPayload('{"cursor":null,"ops":[{"type":"FLUSH","db":1,"namespace":null}]}'), /invalid operation/],
    ['an operation of no known type', () => framedPayload('{"cursor":null,"ops":[{"type":"RENAME","path":"p"}]}'), /invalid operation \{"type":"RENAME","path":"p"\}/],
    ['an operation that is null', () => framedPayload('{"cursor":null,"ops":[null]}'), /invalid operation null/],
  ])('refuse a record whose checksum holds but whose content is not a batch: %s', (_, payloadOf, why) => {
    // Made in the test, not when the table is: what runs while tests are collected is not measured per test.
    const payload = payloadOf();
    expect(() => decodeRecord(payload, 'f at byte 8')).toThrow(StorageFailedError);
    expect(() => decodeRecord(payload, 'f at byte 8')).toThrow(new RegExp(`^corrupt record in f at byte 8: (it holds an )?${why.source}`));
  });

  it('quote at most 200 characters of an invalid operation', () => {
    const payload = framedPayload(JSON.stringify({ cursor: null, ops: [{ type: 'DELETE', path: 7, pad: 'x'.repeat(500) }] }));
    const message = (() => {
      try {
        decodeRecord(payload, 'f');
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message.length).toBe('corrupt record in f: it holds an invalid operation '.length + 200);
  });

  it('hold a keyspace as records of at most REWRITE_ENTRIES_PER_RECORD SETs, the cursor in the last one only', () => {
    const keyspaceOf = (entries: number): Keyspace => {
      const keyspace = new Keyspace();
      for (let index = 0; index < entries; index += 1) keyspace.apply(set(`k${index}`, 'v'));
      return keyspace;
    };
    const shape = (entries: number, cursor: Cursor | null): Array<[number, Cursor | null]> =>
      [...recordsOf(keyspaceOf(entries), cursor)].map((record) => [record.operations.length, record.cursor]);
    expect(shape(0, null)).toEqual([]);
    expect(shape(0, cursorOld)).toEqual([[0, cursorOld]]);
    expect(shape(2, null)).toEqual([[2, null]]);
    expect(shape(REWRITE_ENTRIES_PER_RECORD, null)).toEqual([[REWRITE_ENTRIES_PER_RECORD, null]]);
    expect(shape(REWRITE_ENTRIES_PER_RECORD, cursorOld)).toEqual([[REWRITE_ENTRIES_PER_RECORD, null], [0, cursorOld]]);
    expect(shape(REWRITE_ENTRIES_PER_RECORD + 1, cursorNew)).toEqual([[REWRITE_ENTRIES_PER_RECORD, null], [1, cursorNew]]);
    const written = [...recordsOf(keyspaceOf(REWRITE_ENTRIES_PER_RECORD + 1), null)].flatMap((record) => record.operations);
    expect(written).toEqual([...keyspaceOf(REWRITE_ENTRIES_PER_RECORD + 1).values()]);
  });
});
