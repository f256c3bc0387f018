import { entryDifference } from '../sim/keyspace-compare.js';
import type { StorageBackend } from '../src/storage/backend.js';

/** The first difference between two storages, path by path, metadata included; null when equal. */
export async function storageDifference(expected: StorageBackend, actual: StorageBackend): Promise<string | null> {
  const paths = await expected.list();
  const actualPaths = await actual.list();
  if (paths.join('\n') !== actualPaths.join('\n')) return pathsDifference(paths, actualPaths);
  for (const path of paths) {
    const [want, got] = await Promise.all([expected.read(path), actual.read(path)]);
    if (want === undefined || got === undefined) return `${path} vanished while comparing`;
    if (want.path !== got.path) return `${path}: stored as ${got.path}`;
    const difference = entryDifference(want, got);
    if (difference !== null) return `${path}: ${difference}`;
  }
  return null;
}

/** Paths named in a difference, at most: a storage of a million keys would otherwise be listed whole. */
const PATHS_SHOWN_MAX = 5;

function pathsDifference(expected: readonly string[], actual: readonly string[]): string {
  const expectedSet = new Set(expected);
  const actualSet = new Set(actual);
  const missing = expected.filter((path) => !actualSet.has(path));
  const extra = actual.filter((path) => !expectedSet.has(path));
  const shown = (list: readonly string[]): string => `${list.length} (${list.slice(0, PATHS_SHOWN_MAX).join(', ')}${list.length > PATHS_SHOWN_MAX ? ', …' : ''})`;
  if (missing.length === 0 && extra.length === 0) {
    const at = expected.findIndex((path, index) => actual[index] !== path);
    return `paths listed in another order: ${actual[at]} at ${at}, where ${expected[at]} was expected`;
  }
  return `paths differ: ${expected.length} expected, ${actual.length} found; missing ${shown(missing)}, extra ${shown(extra)}`;
}
