import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { Changes, Durability, SYNCFS_FILES_MIN, type FsyncMode } from '../../../../src/storage/filesystem/durability.js';
import { counted, resetCounts } from '../../../support/counted-fd-calls.js';

vi.mock('../../../../src/storage/fd-calls.js', () => import('../../../support/counted-fd-calls.js'));

let root: string;
const pathBefore = process.env['PATH'];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nadb-durability-'));
  resetCounts();
});

afterEach(async () => {
  process.env['PATH'] = pathBefore;
  expect(counted.open.size).toBe(0);
  await rm(root, { recursive: true, force: true });
});

/** `fileCount` files written in one directory, as an apply records them. */
async function changesOf(fileCount: number): Promise<Changes> {
  const changes = new Changes();
  const dir = join(root, 'data');
  await mkdir(dir, { recursive: true });
  for (let index = 0; index < fileCount; index += 1) {
    const file = join(dir, String(index));
    await writeFile(file, 'x');
    changes.files.push(file);
  }
  changes.dirs.add(dir);
  return changes;
}

/** A PATH whose `sync` fails, or none at all: syncfs is then out of reach. */
async function pathWithFailingSync(): Promise<string> {
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'sync'), '#!/bin/sh\nexit 1\n');
  await chmod(join(bin, 'sync'), 0o755);
  return bin;
}

describe('Durability', () => {
  it.each<[FsyncMode, number]>([['batch', 3], ['always', 1], ['never', 0]])(
    'syncs a small round in mode %s with %i fsyncs: files and directories, directories only, nothing',
    async (mode, fsyncs) => {
      const durability = new Durability(mode, root);
      await durability.sync(await changesOf(2));
      expect(counted.fsyncs).toBe(fsyncs);
      expect(durability.durable).toBe(mode !== 'never');
      expect(durability.syncsEachFile).toBe(mode === 'always');
    },
  );

  it('makes a round of SYNCFS_FILES_MIN files durable with one syncfs, and fsyncs one file fewer', async () => {
    const durability = new Durability('batch', root);
    await durability.sync(await changesOf(SYNCFS_FILES_MIN - 1));
    expect(counted.fsyncs).toBe(SYNCFS_FILES_MIN);
    resetCounts();
    await durability.sync(await changesOf(SYNCFS_FILES_MIN));
    expect(counted.fsyncs).toBe(0);
  });

  it("never tries syncfs in mode 'always': its files are synced already", async () => {
    const durability = new Durability('always', root);
    await durability.sync(await changesOf(SYNCFS_FILES_MIN));
    expect(counted.fsyncs).toBe(1);
  });

  it('falls back to fsyncs for good when the first syncfs fails', async () => {
    const durability = new Durability('batch', root);
    process.env['PATH'] = await pathWithFailingSync();
    await durability.sync(await changesOf(SYNCFS_FILES_MIN));
    expect(counted.fsyncs).toBe(SYNCFS_FILES_MIN + 1);
    process.env['PATH'] = pathBefore;
    resetCounts();
    await durability.sync(await changesOf(SYNCFS_FILES_MIN));
    expect(counted.fsyncs).toBe(SYNCFS_FILES_MIN + 1);
  });

  it('fails a round whose syncfs fails once syncfs has worked: the disk failed', async () => {
    const durability = new Durability('batch', root);
    await durability.sync(await changesOf(SYNCFS_FILES_MIN));
    process.env['PATH'] = await pathWithFailingSync();
    const failed = durability.sync(await changesOf(SYNCFS_FILES_MIN));
    await expect(failed).rejects.toThrow(StorageFailedError);
    await expect(failed).rejects.toThrow(`sync -f ${root} failed: Command failed: sync -f ${root}`);
  });

  it('syncs a whole tree with one syncfs, or every file and directory in it, children before their directory', async () => {
    const tree = join(root, 'staging');
    await mkdir(join(tree, 'sub'), { recursive: true });
    for (const file of ['a', 'b', join('sub', 'c')]) await writeFile(join(tree, file), 'x');
    await new Durability('batch', root).syncTree(tree);
    expect(counted.fsyncs).toBe(0);
    await new Durability('never', root).syncTree(tree);
    expect(counted.fsyncs).toBe(0);
    await new Durability('always', root).syncTree(tree);
    expect(counted.fsyncs).toBe(5);
    const [subFile, sub, ...rest] = counted.opened;
    expect([subFile, sub]).toEqual([join(tree, 'sub', 'c'), join(tree, 'sub')]);
    expect(rest.slice(0, 2).sort()).toEqual([join(tree, 'a'), join(tree, 'b')]);
    expect(rest[2]).toBe(tree);
  });
});
