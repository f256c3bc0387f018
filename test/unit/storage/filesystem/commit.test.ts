import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { readJournal } from '../../../../src/storage/filesystem/commit.js';
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
