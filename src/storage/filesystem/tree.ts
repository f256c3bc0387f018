import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { compareCodeUnits, matchesFlush, type Entry } from '../../core/keyspace.js';
import type { SetOperation } from '../../core/operation.js';
import type { EntryMetadata } from '../backend.js';
import type { OperationTarget } from '../operation-target.js';
import { decodeMetadata, encodeMetadata, entryMetadataOf, entryOf, type StoredMetadata } from '../stored-json.js';
import { isCode, isMissing, readIfPresent, type Disk } from './disk.js';
import { InvalidPathError } from './paths.js';

/**
 * A keyspace on disk: the value of `path` in `{dataRoot}/{path}`, its metadata (JSON) in
 * `{metaRoot}/{path}`. The metadata file is written after the value and removed before it, so it
 * is the mark of an entry; an entry counts only when both files exist (a crash between the two
 * writes leaves one without the other until the batch is replayed). Paths are checked before.
 *
 * A path is a file or a directory of other entries, never both: SET `a/b` is refused while `a`
 * is an entry, and SET `a` while entries under `a/` exist. Directories emptied by a removal are
 * removed, so `a` is free again once the last `a/...` entry is gone.
 */
export class EntryTree implements OperationTarget<Promise<void>> {
  constructor(
    private readonly disk: Disk,
    private readonly dataRoot: string,
    private readonly metaRoot: string,
  ) {}

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
  async *entries(afterPath: string | null): AsyncGenerator<EntryMetadata> {
    for await (const path of this.walk(afterPath, [])) {
      const metadata = await this.probe(path);
      if (metadata !== undefined) yield metadata;
    }
  }

  async put(entry: SetOperation): Promise<void> {
    const dataFile = this.dataFile(entry.path);
    const metaFile = this.metaFile(entry.path);
    try {
      await this.disk.makeDirs(dirname(dataFile));
      await this.disk.makeDirs(dirname(metaFile));
    } catch (error) {
      if (isCode(error, 'ENOTDIR') || isCode(error, 'EEXIST')) throw conflict(entry.path, 'a path it lies under is an entry');
      throw error;
    }
    try {
      await this.disk.writeAtomic(dataFile, entry.value);
      await this.disk.writeAtomic(metaFile, encodeMetadata(entry));
    } catch (error) {
      if (isCode(error, 'EISDIR')) throw conflict(entry.path, 'it is the directory of other entries');
      throw error;
    }
  }

  async remove(path: string): Promise<void> {
    const metaFile = this.metaFile(path);
    const dataFile = this.dataFile(path);
    await this.disk.remove(metaFile);
    await this.disk.remove(dataFile);
    await this.disk.pruneDirs(dirname(metaFile), this.metaRoot);
    await this.disk.pruneDirs(dirname(dataFile), this.dataRoot);
  }

  async update(path: string, change: (stored: StoredMetadata) => StoredMetadata): Promise<void> {
    const entry = await this.probe(path);
    if (entry !== undefined) await this.disk.writeAtomic(this.metaFile(path), encodeMetadata(change(entry)));
  }

  async flush(db: string | null, namespace: string | null): Promise<void> {
    // Collected first: removing while walking would prune directories the walk has yet to read.
    const doomed: string[] = [];
    for await (const path of this.walk(null, [])) {
      const stored = await this.readStored(path);
      if (stored !== undefined && matchesFlush(stored, db, namespace)) doomed.push(path);
    }
    for (const path of doomed) await this.remove(path);
  }

  /**
   * Paths of the metadata tree in code-unit order. A directory `d` sorts as `d/`: every path under
   * it starts with `d/`, and no sibling name holds `/`, so comparing `d/` with a sibling decides
   * the order of the whole subtree. A subtree wholly at or before `afterPath` is not read.
   */
  private async *walk(afterPath: string | null, segments: readonly string[]): AsyncGenerator<string> {
    const children = sortedChildren(await readDir(join(this.metaRoot, ...segments)));
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

function conflict(path: string, why: string): InvalidPathError {
  return new InvalidPathError(`path ${JSON.stringify(path)} refused: ${why} (a path is a file or a directory, never both)`);
}

function sortedChildren(children: Dirent[]): Dirent[] {
  const sortKey = (child: Dirent): string => (child.isDirectory() ? `${child.name}/` : child.name);
  return children.sort((a, b) => compareCodeUnits(sortKey(a), sortKey(b)));
}

async function readDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
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
