import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { readCursor, writeCursor } from '../../../../src/storage/filesystem/cursor-file.js';
import { Disk } from '../../../../src/storage/filesystem/disk.js';
import { layoutOf, type FsLayout } from '../../../../src/storage/filesystem/layout.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

let layout: FsLayout;

beforeEach(async () => {
  layout = layoutOf(await mkdtemp(join(tmpdir(), 'nadb-cursor-')));
  await mkdir(layout.tmp, { recursive: true });
  resetCounts();
});

afterEach(async () => {
  expect(counted.open.size).toBe(0);
  await rm(layout.base, { recursive: true, force: true });
});

describe('the cursor file', () => {
  it('reads null when missing, and the cursor written, its data and then its directory synced', async () => {
    expect(await readCursor(layout)).toBeNull();
    const cursor = { replicationId: 'h', sequence: 9, epoch: 3 };
    await writeCursor(layout, new Disk(layout.tmp, true), cursor);
    expect(counted).toMatchObject({ fdatasyncs: 1, fsyncs: 1 });
    expect(counted.opened.at(-1)).toBe(layout.nadb);
    expect(await readCursor(layout)).toEqual(cursor);
  });

  it('refuses a corrupt cursor, naming its file', async () => {
    await writeFile(layout.cursor, '{"replicationId":"h"}');
    const read = readCursor(layout);
    await expect(read).rejects.toThrow(StorageFailedError);
    await expect(read).rejects.toThrow(`corrupt cursor in ${layout.cursor}`);
  });
});
