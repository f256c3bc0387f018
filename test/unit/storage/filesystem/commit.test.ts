import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { completeSteps, readJournal } from '../../../../src/storage/filesystem/commit.js';
import { Disk } from '../../../../src/storage/filesystem/disk.js';
import { layoutOf, type FsLayout } from '../../../../src/storage/filesystem/layout.js';

let layout: FsLayout;

beforeEach(async () => {
  layout = layoutOf(await mkdtemp(join(tmpdir(), 'nadb-commit-')));
  await mkdir(layout.nadb);
});

afterEach(async () => {
  await rm(layout.base, { recursive: true, force: true });
});

describe('the commit journal', () => {
  it('reads as no commit when missing, and as the commit and its phase when present', async () => {
    expect(await readJournal(layout)).toBeUndefined();
    await writeFile(layout.journal, '{"replicationId":"h","sequence":2,"epoch":1,"phase":"install"}');
    expect(await readJournal(layout)).toEqual({ cursor: { replicationId: 'h', sequence: 2, epoch: 1 }, phase: 'install' });
  });

  it.each([
    ['an unknown phase', '{"replicationId":"h","sequence":2,"phase":"done"}', 'corrupt commit journal'],
    ['no phase', '{"replicationId":"h","sequence":2}', 'corrupt commit journal'],
    ['a corrupt cursor', '{"replicationId":"h","phase":"clear"}', 'corrupt cursor in'],
  ])('refuses a journal with %s, naming it', async (_why, json, refusal) => {
    await writeFile(layout.journal, json);
    const read = readJournal(layout);
    await expect(read).rejects.toThrow(StorageFailedError);
    await expect(read).rejects.toThrow(`${refusal} ${layout.journal}`);
  });
});

describe('completing a journaled commit', () => {
  const cursor = { replicationId: 'h', sequence: 2 };

  async function complete(phase: 'clear' | 'install'): Promise<void> {
    const disk = new Disk(layout.tmp, false);
    await disk.makeDirs(layout.tmp);
    for await (const _ of completeSteps(layout, disk, { cursor, phase }));
  }

  it('stops at a move that fails for another reason than a missing source', async () => {
    await mkdir(layout.meta, { recursive: true });
    await writeFile(join(layout.meta, 'a'), '{}');
    await mkdir(layout.trashData, { recursive: true });
    // The old metadata cannot replace a non-empty directory: carrying on would install the new data beside it.
    await mkdir(layout.trashMeta, { recursive: true });
    await writeFile(join(layout.trashMeta, 'b'), '{}');
    await expect(complete('clear')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
  });

  it.each([
    ['gone', async (): Promise<void> => {
      await mkdir(layout.staging, { recursive: true });
    }],
    ['a file', async (): Promise<void> => {
      await mkdir(layout.staging, { recursive: true });
      await writeFile(layout.stagingData, '');
    }],
  ])('refuses to install a staging area whose data directory is %s, rather than install nothing under the new cursor', async (_how, damage) => {
    await damage();
    await expect(complete('install')).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOENT|ENOTDIR)$/) });
  });
});
