import { entryDifference } from '../sim/keyspace-compare.js';
import type { StorageBackend } from '../src/storage/backend.js';

/** The first difference between two storages, path by path, metadata included; null when equal. */
export async function storageDifference(expected: StorageBackend, actual: StorageBackend): Promise<string | null> {
  const paths = await expected.list();
  const actualPaths = await actual.list();
  if (paths.join('\n') !== actualPaths.join('\n')) return `paths differ: [${actualPaths.join(', ')}] where [${paths.join(', ')}] were expected`;
  for (const path of paths) {
    const [want, got] = await Promise.all([expected.read(path), actual.read(path)]);
    if (want === undefined || got === undefined) return `${path} vanished while comparing`;
    if (want.path !== got.path) return `${path}: stored as ${got.path}`;
    const difference = entryDifference(want, got);
    if (difference !== null) return `${path}: ${difference}`;
  }
  return null;
}
