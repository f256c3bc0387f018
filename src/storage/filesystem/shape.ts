import { join } from 'node:path';
import { readDir } from './disk.js';

/**
 * The subdirectories of the data tree's directories, each read once (one readdir) and kept up to
 * date by the backend's own mkdir and rmdir (one process owns a base path): a SET learns whether
 * its path is a directory of other entries without a stat per operation. Directory names only:
 * files are what there are many of. Paths are entry paths ('' is the root).
 */
export class DirShape {
  private readonly subdirs = new Map<string, Set<string>>();

  constructor(private readonly root: string) {}

  async isDir(path: string): Promise<boolean> {
    const { parent, name } = split(path);
    return (await this.subdirsOf(parent)).has(name);
  }

  /** `dir` was just made. Its own subdirectories are read when asked: others may be made meanwhile. */
  created(dir: string): void {
    const { parent, name } = split(dir);
    this.subdirs.get(parent)?.add(name);
  }

  /** `dir`, empty, was just removed. */
  removed(dir: string): void {
    const { parent, name } = split(dir);
    this.subdirs.get(parent)?.delete(name);
    this.subdirs.delete(dir);
  }

  /** After the tree changed behind this shape's back (a staged commit, a redone batch). */
  forget(): void {
    this.subdirs.clear();
  }

  private async subdirsOf(dir: string): Promise<Set<string>> {
    const known = this.subdirs.get(dir);
    if (known !== undefined) return known;
    const names = new Set((await readDir(join(this.root, ...segmentsOf(dir)))).filter((child) => child.isDirectory()).map((child) => child.name));
    this.subdirs.set(dir, names);
    return names;
  }
}

/** `a/b/c` → `a/b` and `c`; `a` → `` and `a`. */
export function split(path: string): { parent: string; name: string } {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? { parent: '', name: path } : { parent: path.slice(0, slash), name: path.slice(slash + 1) };
}

/** `a/b/c` → [`a`, `a/b`]: the directories an entry path lies under. */
export function ancestorsOf(path: string): string[] {
  const dirs: string[] = [];
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) dirs.push(path.slice(0, slash));
  return dirs;
}

export function segmentsOf(path: string): string[] {
  return path === '' ? [] : path.split('/');
}
