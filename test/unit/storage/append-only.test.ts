import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../../src/core/errors.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import { AppendOnlyStorage } from '../../../src/storage/append-only.js';
import { READ_CHUNK_BYTES } from '../../../src/storage/append-only/limits.js';
import { decodeRecord, encodeRecord, frameAt } from '../../../src/storage/append-only/record.js';
import { del, set, text } from '../../support/ops.js';
import { describeDurabilityByFsync, describeStorageContract, openedFrom } from './contract.js';

const FILE_NAME = 'appendonly.nadb';
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-aof-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

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

  it('cuts a torn last record (cut short, or zeros) and keeps every record before it', async () => {
    for (const tear of ['short', 'zeros'] as const) {
      const basePath = await tempDir();
      const storage = await AppendOnlyStorage.open({ basePath });
      await storage.apply([set('kept', 'yes')], cursorOld);
      await storage.close();
      const file = join(basePath, FILE_NAME);
      const record = Buffer.concat(encodeRecord({ operations: [set('torn', 'no')], cursor: cursorNew }));
      await appendFile(file, tear === 'short' ? record.subarray(0, record.length - 3) : Buffer.alloc(record.length));
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
    const rewritten = storage.rewrite();
    // Made while the snapshot is written: these reach the new file after it.
    const during = Array.from({ length: 20 }, (_, index) => storage.apply([set(`during/${index}`, String(index)), del(`before/${index}`)], { replicationId: 'h', sequence: index + 2 }));
    await Promise.all([rewritten, ...during]);
    const { size } = await stat(join(basePath, FILE_NAME));
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
    operations: [set('p', 'v', { tags: ['t'], expiresAtMs: 9 }), set('empty', ''), set('r', 'w'), del('q'), { type: 'FLUSH', db: null, namespace: 'n' } as const],
    cursor: cursorOld,
  };

  it('decode what encode made, whole or arriving a byte at a time', () => {
    const bytes = Buffer.concat(encodeRecord(record));
    for (let length = 0; length < bytes.length; length += 1) expect(frameAt(bytes.subarray(0, length)).kind).toBe('incomplete');
    const framed = frameAt(bytes);
    expect(framed.kind).toBe('record');
    if (framed.kind !== 'record') return;
    expect(framed.frameBytes).toBe(bytes.length);
    expect(decodeRecord(framed.payload, 'test')).toEqual(record);
  });

  it('find a flipped bit in any byte of a record', () => {
    const bytes = Buffer.concat(encodeRecord(record));
    for (let index = 0; index < bytes.length; index += 1) {
      const flipped = Buffer.from(bytes);
      flipped.writeUInt8(flipped.readUInt8(index) ^ 0x10, index);
      expect(frameAt(flipped).kind, `byte ${index}`).not.toBe('record');
    }
  });
});
