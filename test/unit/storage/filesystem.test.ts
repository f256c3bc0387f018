import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Keyspace, type ScanPage, type ScanRequest } from '../../../src/core/keyspace.js';
import type { Operation } from '../../../src/core/operation.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import { FileSystemStorage } from '../../../src/storage/filesystem.js';
import { MemoryStorage } from '../../../src/storage/memory.js';
import { applySteps, type LiveParts } from '../../../src/storage/filesystem/apply.js';
import { commitSteps } from '../../../src/storage/filesystem/commit.js';
import { Disk } from '../../../src/storage/filesystem/disk.js';
import { Durability, SYNCFS_FILES_MIN } from '../../../src/storage/filesystem/durability.js';
import { FILE_TASKS_PER_STEP, FileWriters } from '../../../src/storage/filesystem/file-writers.js';
import { layoutOf, liveRootsOf } from '../../../src/storage/filesystem/layout.js';
import { InvalidPathError } from '../../../src/storage/filesystem/paths.js';
import { readJournal } from '../../../src/storage/filesystem/redo-journal.js';
import { EntryTree } from '../../../src/storage/filesystem/tree.js';
import { finished, spawnScript } from '../../runtime/support/child.js';
import { del, set, text } from '../../support/ops.js';
import { describeDurabilityByFsync, describeStorageContract, openedFrom, type OpenedStorage } from './contract.js';

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
const WHOLE: ScanRequest = { afterPath: null, entriesMax: 1_000, bytesMax: 1 << 30 };

/** What the memory backend holds after `operations`: the answer every backend gives. */
async function memoryAfter(operations: Operation[]): Promise<ScanPage> {
  const memory = new MemoryStorage();
  await memory.apply(operations, null);
  return memory.scan(WHOLE);
}

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

  it('stores a path that is also a directory, in any order, at {basePath}/{path} again once it no longer is one', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    const dirEntryOf = (path: string): string => join(basePath, '.nadb', 'dir-entries', createHash('sha256').update(path).digest('hex'));
    const values = async (): Promise<[string, string | undefined][]> =>
      Promise.all((await storage.list()).map(async (path): Promise<[string, string | undefined]> => [path, text((await storage.read(path))?.value)]));
    await storage.apply([set('a', '1')], null);
    await storage.apply([set('a/b', '2')], null);
    await storage.apply([set('a/b/c', '3'), set('a-', '4')], null);
    expect(await values()).toEqual([['a', '1'], ['a-', '4'], ['a/b', '2'], ['a/b/c', '3']]);
    expect([await readFile(dirEntryOf('a'), 'utf8'), await readFile(dirEntryOf('a/b'), 'utf8'), await readFile(join(basePath, 'a', 'b', 'c'), 'utf8')]).toEqual(['1', '2', '3']);
    await storage.apply([del('a/b/c')], null);
    expect(await readFile(join(basePath, 'a', 'b'), 'utf8')).toBe('2');
    expect(existsSync(dirEntryOf('a/b'))).toBe(false);
    await storage.apply([del('a/b')], null);
    expect(await readFile(join(basePath, 'a'), 'utf8')).toBe('1');
    expect(JSON.parse(await readFile(join(basePath, '.nadb', 'meta', 'a'), 'utf8'))).toMatchObject({ key: 'a' });
    expect(await readdir(join(basePath, '.nadb', 'dir-entries'))).toEqual([]);
    await storage.apply([set('x/y/z', '5'), set('x/y', '6'), set('x', '7')], null);
    await storage.apply([{ type: 'SET_TTL', path: 'x', expiresAtMs: 9 }, { type: 'METADATA', path: 'x/y', tags: ['t'] }], null);
    // `x/y` goes back to a file, which keeps `x` a directory.
    await storage.apply([del('x/y/z')], null);
    expect((await storage.metadata('x'))?.expiresAtMs).toBe(9);
    expect((await storage.metadata('x/y'))?.tags).toEqual(['t']);
    await storage.close();
    const again = await FileSystemStorage.open({ basePath, fsync: false });
    expect(await again.list()).toEqual(['a', 'a-', 'x', 'x/y']);
    expect(text((await again.read('x'))?.value)).toBe('7');
    await again.close();
  });

  it('removes the directories a DELETE empties, deepest first, in the data and the metadata, and keeps those still needed', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    const dirsOf = (path: string): boolean[] => [existsSync(join(basePath, path)), existsSync(join(basePath, '.nadb', 'meta', path))];
    await storage.apply([set('x/y/z', '1'), set('x/w', '2'), set('p/q/r', '3')], null);
    await storage.apply([del('x/y/z'), del('p/q/r')], null);
    expect([dirsOf('x/y'), dirsOf('x'), dirsOf('p/q'), dirsOf('p')]).toEqual([[false, false], [true, true], [false, false], [false, false]]);
    await storage.apply([del('x/w')], null);
    expect(dirsOf('x')).toEqual([false, false]);
    await storage.apply([set('x', '4')], null);
    expect(await storage.list()).toEqual(['x']);
    await storage.close();
  });

  it('replaces a directory by an entry when only empty directories are left in it, in the data and the metadata', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    await storage.apply([set('c/d', '1')], null);
    await mkdir(join(basePath, 'c', 'empty', 'deeper'), { recursive: true });
    await mkdir(join(basePath, '.nadb', 'meta', 'c', 'empty'), { recursive: true });
    await storage.apply([del('c/d'), set('c', '2')], null);
    expect(text((await storage.read('c'))?.value)).toBe('2');
    expect(await storage.list()).toEqual(['c']);
    expect(existsSync(join(basePath, '.nadb', 'meta', 'c', 'empty'))).toBe(false);
    await storage.close();
  });

  it('refuses by its form alone, before any apply, a name no file can hold', async () => {
    const storage = await FileSystemStorage.open({ basePath: await tempDir(), fsync: false });
    expect(() => storage.checkStorable(set('a/../b', 'x'))).toThrow(InvalidPathError);
    expect(() => storage.checkStorable(set('.nadb/x', 'x'))).toThrow(InvalidPathError);
    expect(() => storage.checkStorable(set('a/b', 'x'))).not.toThrow();
    expect(() => storage.checkStorable({ type: 'FLUSH', db: null, namespace: null })).not.toThrow();
    await storage.close();
  });

  it('keeps a primary\'s persisted operation log in a directory of its own under .nadb', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    expect(storage.operationLogDir).toBe(join(basePath, '.nadb', 'oplog'));
    await storage.close();
  });

  it('stops its writer threads when closed, and when its open fails', async () => {
    const closes = vi.spyOn(FileWriters.prototype, 'close');
    try {
      const basePath = await tempDir();
      const storage = await FileSystemStorage.open({ basePath, fsync: false });
      await storage.apply([set('a', '1')], null);
      await storage.close();
      expect(closes).toHaveBeenCalledTimes(1);
      // A redo journal that cannot be read fails the open after the writers were made.
      await rm(join(basePath, '.nadb', 'redo.journal'), { force: true });
      await mkdir(join(basePath, '.nadb', 'redo.journal'));
      await expect(FileSystemStorage.open({ basePath, fsync: false })).rejects.toMatchObject({ code: 'EISDIR' });
      expect(closes).toHaveBeenCalledTimes(2);
    } finally {
      closes.mockRestore();
    }
  });

  describeDurabilityByFsync(async (fsync) => FileSystemStorage.open({ basePath: await tempDir(), ...(fsync === undefined ? {} : { fsync }) }));

  it('makes a batch too large for a round of fsyncs durable at once (syncfs where it works)', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: 'batch' });
    const entries = Array.from({ length: SYNCFS_FILES_MIN }, (_, index) => set(`d/${index}`, String(index)));
    expect(await storage.apply(entries, cursorOld)).toEqual({ durable: true });
    await storage.close();
    const again = await FileSystemStorage.open({ basePath, fsync: 'batch' });
    expect(await again.list('d/')).toHaveLength(SYNCFS_FILES_MIN);
    expect(await again.loadCursor()).toEqual(cursorOld);
    await again.close();
  });

  it('finishes an apply in a process with nothing else to wait for, then lets it exit', async () => {
    const result = await finished(spawnScript('test/unit/storage/filesystem/apply-alone.ts', [await tempDir()]));
    expect(result).toMatchObject({ code: 0, stdout: '["a","b/c"]\n' });
  });

  it('plans a batch in order, as the memory backend applies it, whatever is each other\'s directory', async () => {
    const before: Operation[] = [set('a', '1'), set('c/d', '2'), set('c/e/f', '3'), set('g', '4', { db: 'other' }), set('g/h', '5')];
    for (const batch of [
      [set('n', '1'), set('n/m', '2')],
      [set('n/m', '1'), set('n', '2'), del('n/m')],
      [del('c/d'), set('c', 'x')],
      [del('c/d'), del('c/e/f'), set('c', 'x')],
      [{ type: 'FLUSH', db: 'other', namespace: null }, set('c', 'x')],
      [{ type: 'FLUSH', db: null, namespace: null }, set('a/b', 'x')],
      [del('g/h'), set('g/h/i', 'x'), del('g/h/i')],
      [set('a/b', 'x'), { type: 'SET_TTL', path: 'a', expiresAtMs: 5 }, del('a/b')],
      [del('a'), set('a/b', 'x')],
    ] satisfies Operation[][]) {
      const storage = await FileSystemStorage.open({ basePath: await tempDir(), fsync: false });
      const memory = new MemoryStorage();
      for (const backend of [storage, memory]) {
        await backend.apply(before, cursorOld);
        await backend.apply(batch, cursorNew);
      }
      expect(await storage.scan(WHOLE), JSON.stringify(batch)).toEqual(await memory.scan(WHOLE));
      await storage.close();
    }
  });

  it('decides where an entry goes on the tree a full resync installed, not on the one it replaced', async () => {
    const storage = await FileSystemStorage.open({ basePath: await tempDir(), fsync: false });
    await storage.apply([set('a/b', '1'), set('c', '2')], cursorOld);
    await storage.stageBegin();
    await storage.stageApply([set('a', '3'), set('c/d', '4')]);
    await storage.stageCommit(cursorNew);
    await storage.apply([set('a/e', '5'), del('c/d')], cursorNew);
    expect(await storage.scan(WHOLE)).toEqual(await memoryAfter([set('a', '3'), set('a/e', '5')]));
    await storage.close();
  });

  it('counts no entry whose value file is gone, whatever its metadata says', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    await storage.apply([set('x', '1'), set('y', '2')], null);
    await rm(join(basePath, 'x'));
    expect([await storage.read('x'), await storage.metadata('x'), await storage.exists('x')]).toEqual([undefined, undefined, false]);
    expect(await storage.list()).toEqual(['y']);
    await storage.close();
  });

  it('stores a path whose directory holds a file that is no entry, and refuses one under such a file', async () => {
    const basePath = await tempDir();
    await mkdir(join(basePath, 'dir'), { recursive: true });
    await writeFile(join(basePath, 'dir', 'stray'), 'x');
    await writeFile(join(basePath, 'file'), 'x');
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    await storage.apply([set('dir', '1')], cursorOld);
    await expect(storage.apply([set('file/x', '1')], cursorNew)).rejects.toThrow(/"file" is a file that is no entry/);
    await storage.apply([set('dir/other', '1'), set('file', '2')], null);
    expect(await storage.list()).toEqual(['dir', 'dir/other', 'file']);
    expect(await storage.loadCursor()).toEqual(cursorOld);
    await storage.close();
  });

  it('redoes, before the next call, an apply that failed once its journal was written', async () => {
    const basePath = await tempDir();
    const storage = await FileSystemStorage.open({ basePath, fsync: false });
    await storage.apply([set('a', 'old')], cursorOld);
    // Where the metadata of `b` goes, a directory only a crash of another program could leave.
    await mkdir(join(basePath, '.nadb', 'meta', 'b', 'in-the-way'), { recursive: true });
    await expect(storage.apply([set('a', 'new'), set('b', 'new')], cursorNew)).rejects.toThrow(/EISDIR/);
    await expect(storage.read('a')).rejects.toThrow(/EISDIR/);
    await rm(join(basePath, '.nadb', 'meta', 'b'), { recursive: true });
    expect(text((await storage.read('a'))?.value)).toBe('new');
    expect(await storage.list()).toEqual(['a', 'b']);
    expect(await storage.loadCursor()).toEqual(cursorNew);
    await storage.close();
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
    // `b` and `g` are directories too: their entries are moved out and in with the rest.
    const oldEntries: Operation[] = [set('a', 'old'), set('b', 'old'), set('b/c', 'old'), set('d/e/f', 'old'), set('x', 'old')];
    const newEntries: Operation[] = [set('b/c', 'new'), set('g', 'new'), set('g/i', 'new'), set('d/h', 'new')];

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

    const allOld = { cursor: cursorOld, entries: [['a', 'old'], ['b', 'old'], ['b/c', 'old'], ['d/e/f', 'old'], ['x', 'old']] };
    const allNew = { cursor: cursorNew, entries: [['b/c', 'new'], ['d/h', 'new'], ['g', 'new'], ['g/i', 'new']] };

    it('leaves all old data before the journal and all new data after it, at every step', async () => {
      expect(await stateAfterOpen((await crashAfter(0)).basePath)).toEqual(allOld);
      let steps = 1;
      for (; ; steps += 1) {
        const { basePath, completed } = await crashAfter(steps);
        expect(await stateAfterOpen(basePath), `crash after step ${steps}`).toEqual(allNew);
        expect(existsSync(join(basePath, '.nadb', 'commit.json'))).toBe(false);
        if (completed) break;
      }
      // The journal, 4 live names, the metadata and the directories' entries out, the phase, 3 staged names,
      // the metadata and the directories' entries in, the cursor, the end.
      expect(steps).toBeGreaterThanOrEqual(14);
    });

    it('keeps the new cursor\'s epoch through a crash after the journal (a promoted primary\'s history is fenced by it)', async () => {
      const basePath = await tempDir();
      const storage = await FileSystemStorage.open({ basePath, fsync: false });
      await storage.apply(oldEntries, cursorOld);
      await storage.stageBegin();
      await storage.stageApply(newEntries);
      const layout = layoutOf(basePath);
      const fenced: Cursor = { ...cursorNew, epoch: 4 };
      await commitSteps(layout, new Disk(layout.tmp, false), fenced).next();
      expect(await stateAfterOpen(basePath)).toEqual({ ...allNew, cursor: fenced });
    });

    it('completes a journaled commit before serving a call on the same instance', async () => {
      const { storage, commit } = await stagedCommit(await tempDir());
      for (let step = 0; step < 3; step += 1) await commit.next();
      // As if the commit had failed after moving some live names out: readers still see all new.
      expect(await storage.list()).toEqual(['b/c', 'd/h', 'g', 'g/i']);
      expect(await storage.loadCursor()).toEqual(cursorNew);
      await storage.close();
    });
  });

  describe('a crash during an apply', () => {
    /** Enough paths that writing the batch's files takes several steps. */
    const manyPaths = Math.ceil(FILE_TASKS_PER_STEP / 2) + 20;
    const oldEntries: Operation[] = [
      set('keep', 'old'), set('gone', 'old'), set('c/d', 'old'), set('f', 'old'), set('ttl', 'old'),
      set('other/x', 'old', { db: 'other' }), set('other/y', 'old', { db: 'other' }),
      set('up', 'old'), set('tagged', 'old'), set('fold', 'old'), set('fold/x', 'old'), set('deep/a', 'old'), set('deep/a/b', 'old'), set('deep/a/b/c', 'old'),
    ];
    const batch: Operation[] = [
      ...Array.from({ length: manyPaths }, (_, index) => set(`many/${index}`, `new ${index}`)),
      del('gone'),
      del('c/d'), set('c', 'new'),
      del('f'), set('f/g', 'new'),
      { type: 'SET_TTL', path: 'ttl', expiresAtMs: 99 },
      { type: 'METADATA', path: 'many/0', tags: ['t'] },
      { type: 'FLUSH', db: 'other', namespace: null },
      set('other/x', 'new', { db: 'other' }),
      set('keep', 'new'),
      // Entries that become directories too, and stop being ones: their values move with the batch.
      set('up/down', 'new'),
      { type: 'METADATA', path: 'tagged', tags: ['t'] }, set('tagged/x', 'new'),
      del('fold/x'),
      del('deep/a/b/c'),
    ];

    function modelOf(...batches: Operation[][]): [string, unknown][] {
      const model = new Keyspace();
      for (const op of batches.flat()) model.apply(op);
      return [...model.values()].sort((a, b) => (a.path < b.path ? -1 : 1)).map((entry) => [entry.path, comparableEntry(entry)]);
    }

    function comparableEntry(entry: Operation & { type: 'SET' }): unknown {
      const { path: _path, ...rest } = entry;
      return { ...rest, tags: [...rest.tags], value: text(rest.value) };
    }

    async function stateAfterOpen(basePath: string): Promise<{ cursor: Cursor | null; entries: [string, unknown][] }> {
      const storage = await FileSystemStorage.open({ basePath, fsync: false });
      const entries: [string, unknown][] = [];
      for (const path of await storage.list()) {
        const entry = await storage.read(path);
        if (entry !== undefined) entries.push([path, comparableEntry(entry)]);
      }
      const state = { cursor: await storage.loadCursor(), entries };
      await storage.close();
      return state;
    }

    /** The old data applied, then the batch's first `steps` steps taken, then a crash. */
    async function crashAfter(steps: number): Promise<{ basePath: string; completed: boolean }> {
      const basePath = await tempDir();
      const storage = await FileSystemStorage.open({ basePath, fsync: false });
      await storage.apply(oldEntries, cursorOld);
      await storage.close();
      const layout = layoutOf(basePath);
      const writers = new FileWriters();
      const live: LiveParts = { layout, disk: new Disk(layout.tmp, false), tree: new EntryTree(writers, liveRootsOf(layout)), durability: new Durability('never', layout.base) };
      const apply = applySteps(live, batch, cursorNew);
      let taken = 0;
      while (taken < steps && !(await apply.next()).done) taken += 1;
      await writers.close();
      return { basePath, completed: taken < steps };
    }

    const allOld = { cursor: cursorOld, entries: modelOf(oldEntries) };
    const allNew = { cursor: cursorNew, entries: modelOf(oldEntries, batch) };

    it('leaves the old data and cursor before its journal is written, and the new ones after, at every step', async () => {
      expect(await stateAfterOpen((await crashAfter(0)).basePath)).toEqual(allOld);
      let steps = 1;
      for (; ; steps += 1) {
        const { basePath, completed } = await crashAfter(steps);
        expect(await stateAfterOpen(basePath), `crash after step ${steps}`).toEqual(allNew);
        expect(await readJournal(join(basePath, '.nadb', 'redo.journal')), `crash after step ${steps}`).toBeUndefined();
        if (completed) break;
      }
      // The journal, the removals, the directories emptied and made, two steps of files, the cursor, the end.
      expect(steps).toBeGreaterThanOrEqual(8);
    });

    it('ignores a torn journal: the batch never reached its durability point', async () => {
      const cutShort = async (file: string): Promise<void> => truncate(file, (await stat(file)).size - 1);
      const flipABit = async (file: string): Promise<void> => {
        const bytes = await readFile(file);
        bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 1, bytes.length >> 1);
        await writeFile(file, bytes);
      };
      for (const tear of [cutShort, flipABit]) {
        const { basePath } = await crashAfter(1);
        await tear(join(basePath, '.nadb', 'redo.journal'));
        expect(await stateAfterOpen(basePath)).toEqual(allOld);
      }
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
