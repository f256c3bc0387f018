import { compareCodeUnits, type Entry, type Keyspace } from '../core/keyspace.js';
import type { EntryMetadata } from './backend.js';

/** The reads of the backends that keep their keyspace in memory (MemoryStorage, AppendOnlyStorage). */
export function metadataOf(entry: Entry | undefined): EntryMetadata | undefined {
  if (entry === undefined) return undefined;
  const { value, type: _type, ...metadata } = entry;
  return { ...metadata, sizeBytes: value.length };
}

export function listPaths(keyspace: Keyspace, prefix: string): string[] {
  return [...keyspace.paths()].filter((path) => path.startsWith(prefix)).sort(compareCodeUnits);
}

export function listTaggedPaths(keyspace: Keyspace, tag: string): string[] {
  return [...keyspace.pathsTagged(tag)].sort(compareCodeUnits);
}
