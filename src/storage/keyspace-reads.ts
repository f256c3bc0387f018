import type { Entry, Keyspace } from '../core/keyspace.js';
import type { EntryMetadata } from './backend.js';
import { FirstPaths } from './first-paths.js';

/** The reads of the backends that keep their keyspace in memory (MemoryStorage, AppendOnlyStorage). */
export function metadataOf(entry: Entry | undefined): EntryMetadata | undefined {
  if (entry === undefined) return undefined;
  const { value, type: _type, ...metadata } = entry;
  return { ...metadata, sizeBytes: value.length };
}

export function listPaths(keyspace: Keyspace, prefix: string, pathsMax: number): string[] {
  const first = new FirstPaths(pathsMax);
  for (const path of keyspace.paths()) if (path.startsWith(prefix)) first.offer(path);
  return first.paths();
}

export function listTaggedPaths(keyspace: Keyspace, tag: string, pathsMax: number): string[] {
  const first = new FirstPaths(pathsMax);
  for (const path of keyspace.pathsTagged(tag)) first.offer(path);
  return first.paths();
}
