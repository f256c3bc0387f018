import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Disk, readDir, readIfPresent } from '../../../../src/storage/filesystem/disk.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

let root: string;
let tmp: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nadb-disk-'));
  tmp = join(root, 'tmp');
  await mkdir(tmp);
  resetCounts();
});

afterEach(async () => {
  expect(counted.open.size).toBe(0);
  await rm(root, { recursive: true, force: true });
});

/** The directories the next syncDirs() opens to fsync, in order. */
async function synced(disk: Disk): Promise<string[]> {
  resetCounts();
  await disk.syncDirs();
  return counted.opened;
}

describe('Disk', () => {
  it.each([true, false])('replaces a file atomically, syncing its data and then its directory when fsync is %j', async (fsync) => {
    const disk = new Disk(tmp, fsync);
    const target = join(root, 'cursor.json');
    await writeFile(target, 'an old and longer content');
    await disk.writeAtomic(target, 'new');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(tmp)).toEqual([]);
    expect(counted.fdatasyncs).toBe(fsync ? 1 : 0);
    expect(await synced(disk)).toEqual(fsync ? [root] : []);
    expect(counted.fsyncs).toBe(fsync ? 1 : 0);
  });

  it('removes its temp file and marks nothing when the rename fails', async () => {
    const disk = new Disk(tmp, true);
    await expect(disk.writeAtomic(join(root, 'missing', 'file'), 'x')).rejects.toThrow(/ENOENT/);
    expect(await readdir(tmp)).toEqual([]);
    expect(await synced(disk)).toEqual([]);
  });

  it('marks both directories of a move, the parents of the directories it makes, and a removal', async () => {
    const disk = new Disk(tmp, true);
    await mkdir(join(root, 'from'));
    await writeFile(join(root, 'from', 'f'), 'x');
    await disk.makeDirs(join(root, 'a', 'b', 'c'));
    expect(await synced(disk)).toEqual([join(root, 'a', 'b'), join(root, 'a'), root]);
    await disk.makeDirs(join(root, 'a', 'b', 'c'));
    await disk.move(join(root, 'from', 'f'), join(root, 'a', 'f'));
    expect(await synced(disk)).toEqual([join(root, 'from'), join(root, 'a')]);
    await disk.remove(join(root, 'a', 'f'));
    await disk.remove(join(root, 'a', 'never there'));
    expect(await synced(disk)).toEqual([join(root, 'a')]);
    expect(counted.fsyncs).toBe(1);
    expect(await synced(disk)).toEqual([]);
  });

  it('skips a changed directory removed since: its parent records the removal', async () => {
    const disk = new Disk(tmp, true);
    await disk.makeDirs(join(root, 'a', 'b'));
    await rm(join(root, 'a'), { recursive: true });
    expect(await synced(disk)).toEqual([join(root, 'a'), root]);
    expect(counted.fsyncs).toBe(1);
  });

  it('fails a removal the disk refuses, marking nothing', async () => {
    const disk = new Disk(tmp, true);
    await writeFile(join(root, 'f'), 'x');
    counted.unlinkFails = true;
    await expect(disk.remove(join(root, 'f'))).rejects.toThrow(/EIO/);
    expect(await synced(disk)).toEqual([]);
  });

  it('reports the failure to make its temp file, not the cleanup of a temp file never made', async () => {
    const disk = new Disk(join(root, 'not-a-dir'), true);
    await writeFile(join(root, 'not-a-dir'), 'x');
    await expect(disk.writeAtomic(join(root, 'target'), 'x')).rejects.toThrow(/^ENOTDIR: not a directory, open/);
  });
});

describe('reads of what may be missing', () => {
  it('count nothing there, a file on the way (ENOTDIR) and a directory where a file was looked for (EISDIR) as missing', async () => {
    await writeFile(join(root, 'file'), 'x');
    expect(await readIfPresent(join(root, 'nothing'))).toBeUndefined();
    expect(await readIfPresent(join(root, 'file', 'under'))).toBeUndefined();
    expect(await readIfPresent(root)).toBeUndefined();
    expect(await readDir(join(root, 'nothing'))).toEqual([]);
    expect(await readDir(join(root, 'file', 'under'))).toEqual([]);
  });

  it('fail on any other error', async () => {
    const tooLong = join(root, 'x'.repeat(300));
    await expect(readIfPresent(tooLong)).rejects.toThrow(/ENAMETOOLONG/);
    await expect(readDir(tooLong)).rejects.toThrow(/ENAMETOOLONG/);
  });
});
