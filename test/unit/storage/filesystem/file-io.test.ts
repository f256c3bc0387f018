import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { syncPath, writeFromStart } from '../../../../src/storage/filesystem/file-io.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nadb-file-io-'));
  resetCounts();
});

afterEach(async () => {
  // Every call closes what it opened, failed or not.
  expect(counted.open.size).toBe(0);
  await rm(dir, { recursive: true, force: true });
});

describe('writeFromStart', () => {
  it('writes over the start of a file, cutting the rest only when asked', async () => {
    const file = join(dir, 'f');
    await writeFile(file, 'old and long');
    await writeFromStart(file, [Buffer.from('ne'), Buffer.from('w')], { truncate: false, sync: false });
    expect(await readFile(file, 'utf8')).toBe('new and long');
    await writeFromStart(file, [Buffer.from('new')], { truncate: true, sync: false });
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(counted.fdatasyncs).toBe(0);
  });

  it('fails a short write (ENOSPC) with the bytes written and asked', async () => {
    counted.writevShortBy = 1;
    await expect(writeFromStart(join(dir, 'f'), [Buffer.from('abc')], { truncate: true, sync: true }))
      .rejects.toThrow(`short write to ${join(dir, 'f')}: 2 of 3 bytes`);
    expect(counted.fdatasyncs).toBe(0);
  });
});

describe('syncPath', () => {
  it('fsyncs a file or a directory, and nothing for one removed since', async () => {
    await writeFile(join(dir, 'f'), 'x');
    await syncPath(join(dir, 'f'));
    await syncPath(dir);
    await syncPath(join(dir, 'gone'));
    expect(counted.fsyncs).toBe(2);
  });

  it('fails when the fsync fails (EIO), and when the path cannot be opened for another reason', async () => {
    counted.fsyncFails = true;
    await expect(syncPath(dir)).rejects.toThrow(/EIO/);
    counted.fsyncFails = false;
    await expect(syncPath(join(dir, 'x'.repeat(300)))).rejects.toThrow(/ENAMETOOLONG/);
  });
});
