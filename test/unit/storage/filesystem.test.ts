import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '../../../src/core/operation.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import { FileSystemStorage } from '../../../src/storage/filesystem.js';
import { commitSteps } from '../../../src/storage/filesystem/commit.js';
import { Disk } from '../../../src/storage/filesystem/disk.js';
import { layoutOf } from '../../../src/storage/filesystem/layout.js';
import { InvalidPathError } from '../../../src/storage/filesystem/paths.js';
import { set, text } from '../../support/ops.js';
import { describeStorageContract, openedFrom, type OpenedStorage } from './contract.js';

const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-fs-'));
  dirs.push(dir);
  return dir;
}

/** fsync off: the contract is about meaning; durability has its own test below. */
async function openFs(): Promise<OpenedStorage> {
  const basePath = await tempDir();
  return openedFrom(() => FileSystemStorage.open({ basePath, fsync: false }));
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const cursorOld: Cursor = { replicationId: 'h', sequence: 1 };
const cursorNew: Cursor = { replicationId: 'h', sequence: 2 };

describe('FileSystemStorage', () => {
  describeStorageContract('FileSystemStorage', openFs);

  it('stores the value at basePath/path and its metadata under the hidden .nadb', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    await storage.apply([set('dir/file.txt', 'hello', { key: 'k', db: 'd', namespace: 'n', tags: ['t'], expiresAtMs: 5 })], null);
    expect(await readFile(join(basePath, 'dir', 'file.txt'), 'utf8')).toBe('hello');
    const metadata = JSON.parse(await readFile(join(basePath, '.nadb', 'meta', 'dir', 'file.txt'), 'utf8'));
    expect(metadata).toEqual({ key: 'k', db: 'd', namespace: 'n', tags: ['t'], expiresAtMs: 5 });
    expect(await storage.list()).toEqual(['dir/file.txt']);
    expect((await storage.scan({ afterPath: null, entriesMax: 10, bytesMax: 1 << 20 })).entries.map((entry) => entry.path))
      .toEqual(['dir/file.txt']);
    await storage.close();
  });

  it('refuses a path that escapes the base path, is not a file name or enters .nadb, applying nothing', async () => {
    const outer = await tempDir();
    const basePath = join(outer, 'base');
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    const refused = ['', '/etc/x', '../x', 'a/../../x', 'a/./b', 'a//b', 'a/', 'a\0b', '.nadb', '.nadb/cursor.json', 'a\ud800', 'x'.repeat(256)];
    for (const path of refused) {
      await expect(storage.apply([set('ok', '1'), set(path, 'x')], null), JSON.stringify(path)).rejects.toThrow(InvalidPathError);
      await expect(storage.apply([{ type: 'DELETE', path }], null)).rejects.toThrow(InvalidPathError);
    }
    expect(await storage.exists('ok')).toBe(false);
    expect(existsSync(join(outer, 'x'))).toBe(false);
    await storage.apply([set('a/.nadb/b', 'deeper is fine'), set('x'.repeat(255), 'longest segment')], null);
    expect(await storage.list()).toEqual(['a/.nadb/b', 'x'.repeat(255)]);
    await storage.close();
  });

  it('treats a path as a file or a directory, never both, and frees emptied directories', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    await storage.apply([set('a', '1'), set('c/d', '2')], null);
    await expect(storage.apply([set('a/b', 'x')], null)).rejects.toThrow(/a path it lies under is an entry/);
    await expect(storage.apply([set('c', 'x')], null)).rejects.toThrow(/directory of other entries/);
    await storage.apply([{ type: 'DELETE', path: 'c/d' }, set('c', '3')], null);
    expect(await storage.list()).toEqual(['a', 'c']);
    expect(text((await storage.read('c'))?.value)).toBe('3');
    await storage.close();
  });

  it('is durable with fsync (the default) and not without', async () => {
    const synced = await FileSystemStorage.open({ basePath: await tempDir() });
    expect(await synced.apply([set('a/b', '1')], cursorOld)).toEqual({ durable: true });
    await synced.stageBegin();
    await synced.stageApply([set('c', '2')]);
    expect(await synced.stageCommit(cursorNew)).toEqual({ durable: true });
    expect(await synced.list()).toEqual(['c']);
    await synced.close();
    const unsynced = await FileSystemStorage.open({ basePath: await tempDir(), fsync: false });
    expect(await unsynced.apply([set('a', '1')], cursorOld)).toEqual({ durable: false });
    await unsynced.close();
  });

  it('discards on open a staging area and temp files that a crash left before the commit', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    await storage.apply([set('a', 'old')], cursorOld);
    await storage.stageBegin();
    await storage.stageApply([set('b', 'new')]);
    await writeFile(join(basePath, '.nadb', 'tmp', 'half-written'), 'x');
    const again = await FileSystemStorage.open({ basePath, fsync: false });
    expect(await again.list()).toEqual(['a']);
    expect(await again.loadCursor()).toEqual(cursorOld);
    expect(existsSync(join(basePath, '.nadb', 'staging'))).toBe(false);
    expect(existsSync(join(basePath, '.nadb', 'tmp', 'half-written'))).toBe(false);
    await expect(again.stageCommit(cursorNew)).rejects.toThrow(/without stageBegin/);
  });

  describe('a crash during a staged commit', () => {
    const oldEntries: Operation[] = [set('a', 'old'), set('b/c', 'old'), set('d/e/f', 'old'), set('x', 'old')];
    const newEntries: Operation[] = [set('b/c', 'new'), set('g', 'new'), set('d/h', 'new')];

    /** Live data and a complete staging area, and the steps of committing it, not yet taken. */
    async function stagedCommit(basePath: string): Promise<{ storage: FileSystemStorage; commit: AsyncGenerator<void> }> {
      const storage = await FileSystemStorage.open({ basePath, fsync: false });
      await storage.apply(oldEntries, cursorOld);
      await storage.stageBegin();
      await storage.stageApply(newEntries);
      const layout = layoutOf(basePath);
      return { storage, commit: commitSteps(layout, new Disk(layout.tmp, false), cursorNew) };
    }

    /** The commit's first `steps` steps, then a crash. */
    async function crashAfter(steps: number): Promise<{ basePath: string; completed: boolean }> {
      const basePath = await tempDir();
      const { commit } = await stagedCommit(basePath);
      let taken = 0;
      while (taken < steps && !(await commit.next()).done) taken += 1;
      return { basePath, completed: taken < steps };
    }

    async function stateAfterOpen(basePath: string): Promise<{ cursor: Cursor | null; entries: [string, string | undefined][] }> {
      const storage = await FileSystemStorage.open({ basePath, fsync: false });
      const paths = await storage.list();
      const entries = await Promise.all(paths.map(async (path): Promise<[string, string | undefined]> => [path, text((await storage.read(path))?.value)]));
      const state = { cursor: await storage.loadCursor(), entries };
      await storage.close();
      return state;
    }

    const allOld = { cursor: cursorOld, entries: [['a', 'old'], ['b/c', 'old'], ['d/e/f', 'old'], ['x', 'old']] };
    const allNew = { cursor: cursorNew, entries: [['b/c', 'new'], ['d/h', 'new'], ['g', 'new']] };

    it('leaves all old data before the journal and all new data after it, at every step', async () => {
      expect(await stateAfterOpen((await crashAfter(0)).basePath)).toEqual(allOld);
      let steps = 1;
      for (; ; steps += 1) {
        const { basePath, completed } = await crashAfter(steps);
        expect(await stateAfterOpen(basePath), `crash after step ${steps}`).toEqual(allNew);
        expect(existsSync(join(basePath, '.nadb', 'commit.json'))).toBe(false);
        if (completed) break;
      }
      // The journal, 4 live names and the metadata out, the phase, 3 staged names and the metadata in, the cursor, the end.
      expect(steps).toBeGreaterThanOrEqual(12);
    });

    it('completes a journaled commit before serving a call on the same instance', async () => {
      const { storage, commit } = await stagedCommit(await tempDir());
      for (let step = 0; step < 3; step += 1) await commit.next();
      // As if the commit had failed after moving some live names out: readers still see all new.
      expect(await storage.list()).toEqual(['b/c', 'd/h', 'g']);
      expect(await storage.loadCursor()).toEqual(cursorNew);
      await storage.close();
    });
  });

  it('reads an entry written by another instance on the same base path after a restart', async () => {
    const basePath = await tempDir();
    await mkdir(basePath, { recursive: true });
    const first = await FileSystemStorage.open({ basePath, fsync: false });
    await first.apply([set('k', 'v', { tags: ['a', 'b'], expiresAtMs: 42 })], cursorOld);
    await first.close();
    const second = await FileSystemStorage.open({ basePath, fsync: false });
    expect(await second.metadata('k')).toEqual({ path: 'k', key: 'k', db: 'db', namespace: 'ns', tags: ['a', 'b'], expiresAtMs: 42, sizeBytes: 1 });
    await second.close();
  });
});
