import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * Where an entry lives. `file`: the original's layout, the value at `{data}/{path}` and its
 * metadata at `{meta}/{path}`. `dir`: the path is also the directory of other entries (`a` beside
 * `a/b`), so no file can be there; the value and metadata go to the flat `{dirEntries}`, named by
 * the SHA-256 of the path. Not a reserved name inside the directory: every name a file can have
 * is a name a path segment may have (`a/.nadb` is a path), so any such name could collide with an
 * entry, and a data directory of an earlier version may hold one already.
 */
export type EntryForm = 'file' | 'dir';

export interface TreeRoots {
  readonly data: string;
  readonly meta: string;
  readonly dirEntries: string;
}

export interface EntryFiles {
  readonly data: string;
  readonly meta: string;
}

export function entryFilesOf(roots: TreeRoots, path: string, form: EntryForm): EntryFiles {
  if (form === 'file') return { data: join(roots.data, ...path.split('/')), meta: join(roots.meta, ...path.split('/')) };
  const name = createHash('sha256').update(path).digest('hex');
  return { data: join(roots.dirEntries, name), meta: join(roots.dirEntries, `${name}.json`) };
}

export function formOf(isDir: boolean): EntryForm {
  return isDir ? 'dir' : 'file';
}
