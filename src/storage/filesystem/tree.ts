import { lstat, mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { assert } from '../../core/assert.js';
import { StorageFailedError } from '../../core/errors.js';
import { compareCodeUnits, type Entry, type ScanRequest } from '../../core/keyspace.js';
import { ResumableScans } from '../../core/resumable-scans.js';
import type { EntryMetadata } from '../backend.js';
import { decodeMetadata, encodeMetadata, entryMetadataOf, entryOf, type StoredMetadata } from '../stored-json.js';
import { FILE_TASKS_IN_FLIGHT_MAX, forEachConcurrently } from './concurrency.js';
import { isCode, isMissing, readDir, readIfPresent } from './disk.js';
import type { Changes } from './durability.js';
import { FILE_TASKS_PER_STEP, type FileTask, type FileWriters } from './file-writers.js';
import { pickPage } from '../scan-page.js';
import { PathWalk } from './path-walk.js';
import type { FinalStates, PlanSource } from './plan.js';
import { ancestorsOf, DirShape, segmentsOf, split } from './shape.js';

/**
 * A keyspace on disk: the value of `path` in `{dataRoot}/{path}`, its metadata (JSON) in
 * `{metaRoot}/{path}`; an entry counts only when both files exist. Batches are planned
 * (plan.ts) against it and written by writeSteps, which callers journal first: the files are
 * written in place, and a crash midway is redone from the journal.
 *
 * A path is a file or a directory of other entries, never both (plan.ts refuses the SET that
 * would make it both). Directories emptied by a removal are removed, so `a` is free again once
 * the last `a/...` entry is gone.
 */
export class EntryTree implements PlanSource {
  private readonly shape: DirShape;
  private readonly scans = new ResumableScans<PathWalk>();

  constructor(
    private readonly writers: FileWriters,
    private readonly dataRoot: string,
    private readonly metaRoot: string,
  ) {
    this.shape = new DirShape(dataRoot);
  }

  async probe(path: string): Promise<EntryMetadata | undefined> {
    const stored = await this.readStored(path);
    if (stored === undefined) return undefined;
    const sizeBytes = await fileSize(this.dataFile(path));
    return sizeBytes === undefined ? undefined : entryMetadataOf(path, stored, sizeBytes);
  }

  async read(path: string): Promise<Entry | undefined> {
    const stored = await this.readStored(path);
    const value = stored === undefined ? undefined : await readIfPresent(this.dataFile(path));
    if (stored === undefined || value === undefined) return undefined;
    return entryOf(entryMetadataOf(path, stored, value.length), new Uint8Array(value));
  }

  /** Entries after `afterPath` (all when null) in code-unit order of their paths. */
  entries(afterPath: string | null): AsyncGenerator<EntryMetadata> {
    return this.walkFrom(afterPath).entries((path) => this.probe(path));
  }

  /**
   * A page of entries after `afterPath`, resuming the walk the page ending there left (so a
   * full scan lists each directory once), or a new walk. `done`: no entry follows the page.
   */
  async scanPage(request: ScanRequest): Promise<{ picked: EntryMetadata[]; done: boolean; resumeId?: number }> {
    const walk = this.scans.take(request) ?? this.walkFrom(request.afterPath);
    const { picked, done } = await pickPage(walk.entries((path) => this.probe(path)), request);
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
      return !(await lstat(this.dataFile(path))).isDirectory();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async *filesUnder(path: string): AsyncGenerator<string> {
    for (const child of await readDir(this.dataFile(path))) {
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
    return new PathWalk(this.walk(afterPath, []));
  }

  /**
   * Writes the final states: removals first (with the directories they empty, and those a SET
   * replaces), then the directories the entries need, then their files. Records in `changes`
   * what to sync. `syncEach`: fsync every file as it is written. Yields after each step.
   */
  async *writeSteps(states: FinalStates, changes: Changes, syncEach: boolean): AsyncGenerator<void> {
    const absent: string[] = [];
    const present: string[] = [];
    for (const [path, state] of states) (state.kind === 'absent' ? absent : present).push(path);
    yield* this.fileSteps(absent.map((path) => ({ file: this.dataFile(path) })), absent.map((path) => ({ file: this.metaFile(path) })), changes, false);
    await this.prune(absent, present, changes);
    for (const [path, state] of states) if (state.kind === 'entry' && state.replacesDir) await this.clearDir(path, changes);
    yield;
    await this.makeDirs(present.filter((path) => states.get(path)?.kind === 'entry'), changes);
    yield;
    const values: FileTask[] = [];
    const records: FileTask[] = [];
    for (const path of present) {
      const state = states.get(path);
      assert(state !== undefined && state.kind !== 'absent', `no state to write at ${JSON.stringify(path)}`);
      if (state.kind === 'entry') values.push({ file: this.dataFile(path), bytes: state.value });
      records.push({ file: this.metaFile(path), bytes: Buffer.from(encodeMetadata(state.stored)) });
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
      for (const root of [this.metaRoot, this.dataRoot]) {
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
    if (root === this.dataRoot) this.shape.removed(dir);
    return true;
  }

  /** What is left of a directory a SET replaces once its entries are removed: empty directories. */
  private async clearDir(dir: string, changes: Changes): Promise<void> {
    for (const root of [this.metaRoot, this.dataRoot]) {
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
      for (const root of [this.dataRoot, this.metaRoot]) await this.makeDir(root, dir, changes);
    });
  }

  private async makeDir(root: string, dir: string, changes: Changes): Promise<void> {
    const first = await mkdir(join(root, ...segmentsOf(dir)), { recursive: true });
    if (first === undefined) return;
    // Each new directory's name lives in its parent; the first one's parent already existed.
    const segments = segmentsOf(dir);
    for (let depth = relative(root, first).split(sep).length; depth <= segments.length; depth += 1) {
      changes.dirs.add(join(root, ...segments.slice(0, depth - 1)));
      if (root === this.dataRoot) this.shape.created(segments.slice(0, depth).join('/'));
    }
  }

  /**
   * Paths of the metadata tree in code-unit order. A directory `d` sorts as `d/`: every path under
   * it starts with `d/`, and no sibling name holds `/`, so comparing `d/` with a sibling decides
   * the order of the whole subtree. A subtree wholly at or before `afterPath` is not read.
   */
  private async *walk(afterPath: string | null, segments: readonly string[]): AsyncGenerator<string> {
    const sortKey = (name: string, isDir: boolean): string => (isDir ? `${name}/` : name);
    const children = (await readDir(join(this.metaRoot, ...segments)))
      .sort((a, b) => compareCodeUnits(sortKey(a.name, a.isDirectory()), sortKey(b.name, b.isDirectory())));
    for (const child of children) {
      const path = [...segments, child.name].join('/');
      if (child.isDirectory()) {
        const prefix = `${path}/`;
        const whollyBefore = afterPath !== null && prefix < afterPath && !afterPath.startsWith(prefix);
        if (!whollyBefore) yield* this.walk(afterPath, [...segments, child.name]);
      } else if (child.isFile() && (afterPath === null || path > afterPath)) {
        yield path;
      }
    }
  }

  private async readStored(path: string): Promise<StoredMetadata | undefined> {
    const file = this.metaFile(path);
    const json = await readIfPresent(file);
    return json === undefined ? undefined : decodeMetadata(json.toString('utf8'), file);
  }

  private dataFile(path: string): string {
    return join(this.dataRoot, ...path.split('/'));
  }

  private metaFile(path: string): string {
    return join(this.metaRoot, ...path.split('/'));
  }
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
