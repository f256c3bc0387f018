import type { Entry } from '../src/core/keyspace.js';

/** What a Keyspace and the oracle's plain map both are, for comparing them. */
export interface Entries {
  readonly size: number;
  get(path: string): Entry | undefined;
  values(): Iterable<Entry>;
}

/** The first difference between two sets of entries, or null when they hold the same entries. */
export function keyspaceDifference(expected: Entries, actual: Entries): string | null {
  if (expected.size !== actual.size) return `${actual.size} entries where ${expected.size} were expected`;
  for (const entry of expected.values()) {
    const other = actual.get(entry.path);
    if (other === undefined) return `missing ${JSON.stringify(entry.path)}`;
    const difference = entryDifference(entry, other);
    if (difference !== null) return `${JSON.stringify(entry.path)}: ${difference}`;
  }
  return null;
}

/** Whether two sets of entries differ in size or at any of `paths` (what changed since they were equal). */
export function differAt(expected: Entries, actual: Entries, paths: Iterable<string>): boolean {
  if (expected.size !== actual.size) return true;
  for (const path of paths) {
    const entry = expected.get(path);
    const other = actual.get(path);
    if (entry === undefined || other === undefined) {
      if (entry !== other) return true;
    } else if (entryDifference(entry, other) !== null) return true;
  }
  return false;
}

export function entryDifference(expected: Entry, actual: Entry): string | null {
  for (const field of ['key', 'db', 'namespace', 'expiresAtMs'] as const) {
    if (expected[field] !== actual[field]) return `${field} ${JSON.stringify(actual[field])} != ${JSON.stringify(expected[field])}`;
  }
  if (expected.tags.join('\u0000') !== actual.tags.join('\u0000')) return 'tags differ';
  if (!bytesEqual(expected.value, actual.value)) return 'value differs';
  return null;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

