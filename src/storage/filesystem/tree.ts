import { lstat, mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { StorageFailedError } from '../../core/errors.js';
import { compareCodeUnits, type Entry, type ScanRequest } from '../../core/keyspace.js';
import { ResumableScans } from '../../core/resumable-scans.js';
import type { EntryMetadata } from '../backend.js';
import { decodeMetadata, encodeMetadata, entryMetadataOf, entryOf, type StoredMetadata } from '../stored-json.js';
import { FILE_TASKS_IN_FLIGHT_MAX, forEachConcurrently, PROBES_AHEAD_MAX } from './concurrency.js';
import { entryFilesOf, type EntryFiles, type EntryForm, type TreeRoots } from './entry-form.js';
import { isCode, isMissing, readDir, readIfPresent, readUnlessDir } from './disk.js';
import type { Changes } from './durability.js';
import { FILE_TASKS_PER_STEP, type FileTask, type FileWriters } from './file-writers.js';
import { pickPage } from '../scan-page.js';
import { PathWalk } from './path-walk.js';
import type { FinalStates, PlanSource } from './plan.js';
import { ancestorsOf, DirShape, segmentsOf, split } from './shape.js';

/** An entry's metadata as a scan probed it, with the file that holds its value. */
export interface ScannedMetadata extends EntryMetadata {
  readonly dataFile: string;
}

/**
 * A keyspace on disk: the value of `path` in `{data}/{path}`, its metadata (JSON) in
 * `{meta}/{path}`, or both in `{dirEntries}` when the path is also the directory of other entries
 * (entry-form.ts); an entry counts only when both files exist. Batches are planned (plan.ts)
 * against it and written by writeSteps, which callers journal first: the files are written in
 * place, and a crash midway is redone from the journal.
 *
 * Directories emptied by a removal are removed, and an entry whose path stops being a directory
 * goes back to `{data}/{path}` (the batch that removes `a/b` moves `a` there): the original's
 * layout holds wherever no path is another's directory.
 */
export class EntryTree implements PlanSource {
  private readonly shape: DirShape;
  private readonly scans = new ResumableScans<PathWalk>();

  constructor(
    private readonly writers: FileWriters,
    private readonly roots: TreeRoots,
  ) {
    this.shape = new DirShape(roots.data);
  }

  async probe(path: string): Promise<EntryMetadata | undefined> {
    const found = await this.readStored(path);
    if (found === undefined) return undefined;
    const sizeBytes = await fileSize(this.filesOf(path, found.form).data);
    return sizeBytes === undefined ? undefined : entryMetadataOf(path, found.stored, sizeBytes);
  }

  /** A probe that keeps where the entry's value is, so that a scan's page reads only that file. */
  private async probeForScan(path: string): Promise<ScannedMetadata | undefined> {
    const found = await this.readStored(path);
    if (found === undefined) return undefined;
    const dataFile = this.filesOf(path, found.form).data;
    const sizeBytes = await fileSize(dataFile);
    return sizeBytes === undefined ? undefined : { ...entryMetadataOf(path, found.stored, sizeBytes), dataFile };
  }

  /** The entry a scan's page picked, its metadata as probed (nothing changes it between the two: calls are serialized). */
  async readScanned(metadata: ScannedMetadata): Promise<Entry | undefined> {
    const value = await readIfPresent(metadata.dataFile);
    return value === undefined ? undefined : entryOf(metadata, new Uint8Array(value));
  }

  async read(path: string): Promise<Entry | undefined> {
    const found = await this.readStored(path);
    const value = found === undefined ? undefined : await readIfPresent(this.filesOf(path, found.form).data);
    if (found === undefined || value === undefined) return undefined;
    return entryOf(entryMetadataOf(path, found.stored, value.length), new Uint8Array(value));
  }

  /** Entries after `afterPath` (all when null) in code-unit order of their paths. */
  entries(afterPath: string | null): AsyncGenerator<EntryMetadata> {
    return this.walkFrom(afterPath).entries((path) => this.probe(path));
  }

  /** Entries from `start` on (itself included), in code-unit order: the directories wholly before it are not read. */
  entriesFrom(start: string): AsyncGenerator<EntryMetadata> {
    return new PathWalk(this.walk({ path: start, inclusive: true }, [])).entries((path) => this.probe(path));
  }

  /**
   * A page of entries after `afterPath`, resuming the walk the page ending there left (so a
   * full scan lists each directory once), or a new walk. `done`: no entry follows the page.
   */
  async scanPage(request: ScanRequest): Promise<{ picked: ScannedMetadata[]; done: boolean; resumeId?: number }> {
    const walk = this.scans.take(request) ?? this.walkFrom(request.afterPath);
    // A page takes at most one entry more than it returns.
    const aheadMax = Math.min(PROBES_AHEAD_MAX, request.entriesMax + 1);
    const { picked, done } = await pickPage(walk.entries((path) => this.probeForScan(path), aheadMax), request);
    const last = picked[picked.length - 1];
    if (done || last === undefined) return { picked, done: true };
    walk.unreadLast();
    return { picked, done, resumeId: this.scans.keep(last.path, walk) };
  }

  isDir(path: string): Promise<boolean> {
    return this.shape.isDir(path);
  }

  async isFile(path: string): Promise<boolean> {
    try {
      return !(await lstat(this.filesOf(path, 'file').data)).isDirectory();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async *filesUnder(path: string): AsyncGenerator<string> {
    for (const child of await readDir(this.filesOf(path, 'file').data)) {
      const childPath = `${path}/${child.name}`;
      if (child.isDirectory()) yield* this.filesUnder(childPath);
      else yield childPath;
    }
  }

  /** The tree changed behind this instance's back (a staged commit, a batch redone). */
  forget(): void {
    this.shape.forget();
    this.scans.clear();
  }

  private walkFrom(afterPath: string | null): PathWalk {
    return new PathWalk(this.walk(afterPath === null ? null : { path: afterPath, inclusive: false }, []));
  }

  /**
   * Writes the final states: removals first (with the directories they empty, what an entry
   * moving leaves at its other place, and the directory an entry replaces), then the directories
   * the entries need, then their files. Records in `changes` what to sync. `syncEach`: fsync
   * every file as it is written. Yields after each step.
   */
  async *writeSteps(states: FinalStates, changes: Changes, syncEach: boolean): AsyncGenerator<void> {
    const gone: EntryFiles[] = [];
    for (const [path, state] of states) {
      if (state.kind === 'absent') gone.push(this.filesOf(path, state.form));
      if (state.kind === 'entry' && state.moved) gone.push(this.filesOf(path, otherForm(state.form)));
    }
    yield* this.fileSteps(gone.map(({ data }) => ({ file: data })), gone.map(({ meta }) => ({ file: meta })), changes, false);
    const present = [...states].filter(([, state]) => state.kind !== 'absent').map(([path]) => path);
    await this.prune([...states].filter(([, state]) => state.kind === 'absent').map(([path]) => path), present, changes);
    for (const [path, state] of states) if (state.kind === 'entry' && state.moved && state.form === 'file') await this.clearDir(path, changes);
    yield;
    await this.makeDirs([...states].filter(([, state]) => state.kind === 'entry' && state.form === 'file').map(([path]) => path), changes);
    yield;
    const values: FileTask[] = [];
    const records: FileTask[] = [];
    for (const [path, state] of states) {
      if (state.kind === 'absent') continue;
      const files = this.filesOf(path, state.form);
      if (state.kind === 'entry') values.push({ file: files.data, bytes: state.value });
      records.push({ file: files.meta, bytes: Buffer.from(encodeMetadata(state.stored)) });
    }
    yield* this.fileSteps(values, records, changes, syncEach);
  }

  /** Both trees' tasks at once, a thread each, FILE_TASKS_PER_STEP per step. */
  private async *fileSteps(data: readonly FileTask[], meta: readonly FileTask[], changes: Changes, sync: boolean): AsyncGenerator<void> {
    for (let start = 0; start < Math.max(data.length, meta.length); start += FILE_TASKS_PER_STEP) {
      const lanes = [data.slice(start, start + FILE_TASKS_PER_STEP), meta.slice(start, start + FILE_TASKS_PER_STEP)];
      await this.writers.run(lanes, sync);
      for (const { file, bytes } of lanes.flat()) {
        if (bytes !== undefined) changes.files.push(file);
        changes.dirs.add(dirname(file));
      }
      yield;
    }
  }

  /**
   * Removes the directories the removals emptied, deepest first and one at a time (siblings
   * share parents), up to the first one still holding something, but none an entry will need.
   */
  private async prune(absent: readonly string[], present: readonly string[], changes: Changes): Promise<void> {
    const needed = new Set(present.flatMap(ancestorsOf));
    const dirs = [...new Set(absent.map((path) => split(path).parent))].sort((a, b) => depthOf(b) - depthOf(a));
    for (const dir of dirs) {
      for (const root of [this.roots.meta, this.roots.data]) {
        for (let current = dir; current !== '' && !needed.has(current); current = split(current).parent) {
          if (!(await this.removeDir(root, current, changes))) break;
        }
      }
    }
  }

  /** False when `dir` still holds something; a missing one counts as removed. */
  private async removeDir(root: string, dir: string, changes: Changes): Promise<boolean> {
    const file = join(root, ...segmentsOf(dir));
    try {
      await rmdir(file);
      changes.dirs.add(dirname(file));
    } catch (error) {
      if (isCode(error, 'ENOTEMPTY') || isCode(error, 'EEXIST')) return false;
      if (!isMissing(error)) throw error;
    }
    if (root === this.roots.data) this.shape.removed(dir);
    return true;
  }

  /** What is left of a directory an entry replaces once the entries under it are removed: empty directories. */
  private async clearDir(dir: string, changes: Changes): Promise<void> {
    for (const root of [this.roots.meta, this.roots.data]) {
      for (const child of await readDir(join(root, ...segmentsOf(dir)))) {
        const path = `${dir}/${child.name}`;
        if (!child.isDirectory()) throw new StorageFailedError(`${join(root, path)} is in the way of the entry ${JSON.stringify(dir)}`);
        await this.clearDir(path, changes);
      }
      await this.removeDir(root, dir, changes);
    }
  }

  private async makeDirs(paths: readonly string[], changes: Changes): Promise<void> {
    const dirs = [...new Set(paths.map((path) => split(path).parent))].filter((dir) => dir !== '');
    await forEachConcurrently(dirs, FILE_TASKS_IN_FLIGHT_MAX, async (dir) => {
      for (const root of [this.roots.data, this.roots.meta]) await this.makeDir(root, dir, changes);
    });
  }

  private async makeDir(root: string, dir: string, changes: Changes): Promise<void> {
    const first = await mkdir(join(root, ...segmentsOf(dir)), { recursive: true });
    if (first === undefined) return;
    // Each new directory's name lives in its parent; the first one's parent already existed.
    const segments = segmentsOf(dir);
    for (let depth = relative(root, first).split(sep).length; depth <= segments.length; depth += 1) {
      changes.dirs.add(join(root, ...segments.slice(0, depth - 1)));
      if (root === this.roots.data) this.shape.created(segments.slice(0, depth).join('/'));
    }
  }

  /**
   * Paths of the metadata tree in code-unit order. A directory `d` is a path (its entry, if it
   * has one, is in `{dirEntries}`) and sorts as `d/` for what lies under it: every path under it
   * starts with `d/`, and no sibling name holds `/`, so comparing `d/` with a sibling decides the
   * order of the whole subtree (`d`, `d-`, `d/x`). Only paths after `start` (or at it, when
   * inclusive) come out, and a subtree wholly before it is not read.
   */
  private async *walk(start: WalkStart | null, segments: readonly string[]): AsyncGenerator<string> {
    const children: { readonly sortKey: string; readonly name: string; readonly under: boolean }[] = [];
    for (const child of await readDir(join(this.roots.meta, ...segments))) {
      if (child.isDirectory()) children.push({ sortKey: `${child.name}/`, name: child.name, under: true });
      if (child.isDirectory() || child.isFile()) children.push({ sortKey: child.name, name: child.name, under: false });
    }
    children.sort((a, b) => compareCodeUnits(a.sortKey, b.sortKey));
    for (const { name, under } of children) {
      const path = [...segments, name].join('/');
      if (under) {
        const prefix = `${path}/`;
        const whollyBefore = start !== null && prefix < start.path && !start.path.startsWith(prefix);
        if (!whollyBefore) yield* this.walk(start, [...segments, name]);
      } else if (start === null || path > start.path || (start.inclusive && path === start.path)) {
        yield path;
      }
    }
  }

  /** The stored metadata of `path` and where it is: a directory at `{meta}/{path}` means in `{dirEntries}`. */
  private async readStored(path: string): Promise<{ stored: StoredMetadata; form: EntryForm } | undefined> {
    const inTree = this.filesOf(path, 'file').meta;
    const json = await readUnlessDir(inTree);
    if (json !== 'directory') return json === undefined ? undefined : { stored: decodeMetadata(json.toString('utf8'), inTree), form: 'file' };
    const file = this.filesOf(path, 'dir').meta;
    const inDirEntries = await readIfPresent(file);
    return inDirEntries === undefined ? undefined : { stored: decodeMetadata(inDirEntries.toString('utf8'), file), form: 'dir' };
  }

  private filesOf(path: string, form: EntryForm): EntryFiles {
    return entryFilesOf(this.roots, path, form);
  }
}

/** Where a walk begins: after a scan's last path, or at a listing's prefix. */
interface WalkStart {
  readonly path: string;
  readonly inclusive: boolean;
}

function otherForm(form: EntryForm): EntryForm {
  return form === 'file' ? 'dir' : 'file';
}

function depthOf(dir: string): number {
  return segmentsOf(dir).length;
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? stats.size : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
