import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileSystemStorage } from '../../../../src/storage/filesystem.js';
import type { FsyncMode } from '../../../../src/storage/filesystem/durability.js';
import { set } from '../../../support/ops.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

let base: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'nadb-fs-apply-'));
});

afterEach(async () => {
  expect(counted.open.size).toBe(0);
  await rm(base, { recursive: true, force: true });
});

const cursor = { replicationId: 'h', sequence: 1 };

/** What one apply of one new entry with its cursor opened and synced. */
async function oneApply(fsync: FsyncMode): Promise<{ opened: string[]; fsyncs: number; fdatasyncs: number }> {
  const storage = await FileSystemStorage.open({ basePath: base, fsync });
  resetCounts();
  await storage.apply([set('a', 'value')], cursor);
  const { opened, fsyncs, fdatasyncs } = counted;
  await storage.close();
  const nadb = join(base, '.nadb');
  // The temp file of the cursor's atomic write has a random name.
  return { opened: opened.map((path) => (path.startsWith(join(nadb, 'tmp')) ? 'temp' : path.replace(base, 'base'))), fsyncs, fdatasyncs };
}

describe('an apply on FileSystemStorage', () => {
  it("in mode 'batch' syncs the journal, then the files and their directories, then the cursor and its directory; the clearing is not synced", async () => {
    const { opened, fsyncs, fdatasyncs } = await oneApply('batch');
    expect(opened).toEqual([
      'base/.nadb/redo.journal',
      'base/a', 'base/.nadb/meta/a', 'base', 'base/.nadb/meta',
      'temp', 'base/.nadb',
      'base/.nadb/redo.journal',
    ]);
    expect({ fsyncs, fdatasyncs }).toEqual({ fsyncs: 5, fdatasyncs: 2 });
  });

  it("in mode 'always' syncs the journal, the directories (its threads synced the files) and the cursor", async () => {
    const { opened, fsyncs, fdatasyncs } = await oneApply('always');
    expect(opened).toEqual(['base/.nadb/redo.journal', 'base', 'base/.nadb/meta', 'temp', 'base/.nadb', 'base/.nadb/redo.journal']);
    expect({ fsyncs, fdatasyncs }).toEqual({ fsyncs: 3, fdatasyncs: 2 });
  });

  it("in mode 'never' syncs nothing", async () => {
    const { opened, fsyncs, fdatasyncs } = await oneApply('never');
    expect(opened).toEqual(['base/.nadb/redo.journal', 'temp', 'base/.nadb/redo.journal']);
    expect({ fsyncs, fdatasyncs }).toEqual({ fsyncs: 0, fdatasyncs: 0 });
  });

  it('writes only the cursor when the batch touches no path, and nothing without one', async () => {
    const storage = await FileSystemStorage.open({ basePath: base, fsync: 'batch' });
    resetCounts();
    await storage.apply([{ type: 'FLUSH', db: null, namespace: null }], null);
    expect(counted.opened).toEqual([]);
    await storage.apply([], cursor);
    expect(counted.opened.map((path) => path.replace(base, 'base'))).toEqual([expect.stringMatching(/^base\/\.nadb\/tmp\//), 'base/.nadb']);
    expect(await storage.loadCursor()).toEqual(cursor);
    await storage.close();
  });
});
