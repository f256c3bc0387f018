import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileSystemStorage, type FsyncMode } from '../../../src/storage/filesystem.js';
import { layoutOf } from '../../../src/storage/filesystem/layout.js';
import { counted, resetCounts } from '../../support/counted-fd-calls.js';
import { set } from '../../support/ops.js';

vi.mock('../../../src/storage/fd-calls.js', () => import('../../support/counted-fd-calls.js'));

/**
 * What FileSystemStorage syncs, and when, by its fsync setting: a sync left out loses data only
 * when the machine stops, so the paths fsynced are counted instead (`sync -f` is made to fail, so
 * that every sync is an fsync of a path). The durability rounds themselves are durability.test.ts's.
 */
let root: string;
const pathBefore = process.env['PATH'];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nadb-fs-syncs-'));
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'sync'), '#!/bin/sh\nexit 1\n');
  await chmod(join(bin, 'sync'), 0o755);
  process.env['PATH'] = bin;
  resetCounts();
});

afterEach(async () => {
  process.env['PATH'] = pathBefore;
  await rm(root, { recursive: true, force: true });
});

/** The paths fsynced (opened to be) under `dir` since the last reset. */
function syncedUnder(dir: string): string[] {
  return counted.opened.filter((path) => path === dir || path.startsWith(`${dir}/`));
}

type Setting = FsyncMode | boolean | undefined;

describe('FileSystemStorage: what each fsync setting syncs', () => {
  it.each<[Setting, { atOpen: boolean; stageApply: boolean; stageCommit: boolean }]>([
    [undefined, { atOpen: true, stageApply: false, stageCommit: true }],
    [true, { atOpen: true, stageApply: false, stageCommit: true }],
    ['batch', { atOpen: true, stageApply: false, stageCommit: true }],
    ['always', { atOpen: true, stageApply: true, stageCommit: false }],
    ['never', { atOpen: false, stageApply: false, stageCommit: false }],
    [false, { atOpen: false, stageApply: false, stageCommit: false }],
  ])('with fsync %j: .nadb at open %j; the staging area in each stageApply, or once in stageCommit', async (fsync, expected) => {
    const basePath = join(root, 'data');
    const layout = layoutOf(basePath);
    const storage = await FileSystemStorage.open({ basePath, ...(fsync === undefined ? {} : { fsync }) });
    // .nadb names the redo journal made at the first open: synced once it exists, when durable.
    const journalMade = counted.opened.indexOf(layout.redoJournal);
    expect(journalMade).toBeGreaterThanOrEqual(0);
    expect(counted.opened.lastIndexOf(layout.nadb) > journalMade).toBe(expected.atOpen);
    await storage.stageBegin();

    resetCounts();
    await storage.stageApply([set('a/b', '1'), set('c', '2')]);
    // 'always' syncs each stageApply's directories (its files as written); 'batch' leaves them to stageCommit.
    expect(syncedUnder(layout.staging).length > 0).toBe(expected.stageApply);

    resetCounts();
    await storage.stageCommit({ replicationId: 'h', sequence: 1 });
    // 'batch' syncs the staged files before the commit moves them; 'always' synced them as written.
    expect(counted.opened.includes(join(layout.stagingData, 'c'))).toBe(expected.stageCommit);
    expect(await storage.list()).toEqual(['a/b', 'c']);
    await storage.close();
  });
});

describe('FileSystemStorage: an apply in batch mode', () => {
  it('fsyncs the parent of each directory it made (where its name lives), in the data and the metadata', async () => {
    const basePath = join(root, 'data');
    const layout = layoutOf(basePath);
    const storage = await FileSystemStorage.open({ basePath, fsync: 'batch' });
    resetCounts();
    await storage.apply([set('x/y/z', '1')], null);
    for (const tree of [basePath, layout.meta]) {
      expect(counted.opened).toEqual(expect.arrayContaining([tree, join(tree, 'x'), join(tree, 'x', 'y')]));
    }
    await storage.close();
  });
});
