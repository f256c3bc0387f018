/**
 * A listing by prefix reads the directories on the way to its prefix and its paths up to
 * pathsMax (contract rule 10), not the whole tree: every directory read is counted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { FileSystemStorage } from '../../../../src/storage/filesystem.js';
import { set } from '../../../support/ops.js';

const reads = vi.hoisted(() => ({ dirs: 0 }));

vi.mock('../../../../src/storage/filesystem/disk.js', async (importOriginal) => {
  const disk = await importOriginal<typeof import('../../../../src/storage/filesystem/disk.js')>();
  return {
    ...disk,
    readDir: (dir: string) => {
      reads.dirs += 1;
      return disk.readDir(dir);
    },
  };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('reads the directories on the way to a prefix and as far as pathsMax, not the other 39', async () => {
  const basePath = await mkdtemp(join(tmpdir(), 'nadb-fs-list-'));
  const storage = await FileSystemStorage.open({ basePath, fsync: 'never' });
  cleanups.push(async () => {
    await storage.close();
    await rm(basePath, { recursive: true, force: true });
  });
  const dirs = Array.from({ length: 40 }, (_, index) => `d${String(index).padStart(2, '0')}`);
  await storage.apply(dirs.flatMap((dir) => [set(`${dir}/x`, 'v'), set(`${dir}/y`, 'v')]), null);
  reads.dirs = 0;
  expect(await storage.list('d20/')).toEqual(['d20/x', 'd20/y']);
  // The root, d20, and d21 whose first path ends the prefix's run; the whole tree was 41.
  expect(reads.dirs).toBe(3);
  reads.dirs = 0;
  expect(await storage.list('', 3)).toEqual(['d00/x', 'd00/y', 'd01/x']);
  expect(reads.dirs).toBe(3);
});
