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
    if (!entriesEqual(entry, other)) return `${JSON.stringify(entry.path)}: ${entryDifference(entry, other)}`;
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
    } else if (!entriesEqual(entry, other)) return true;
  }
  return false;
}

export function entryDifference(expected: Entry, actual: Entry): string | null {
  if (entriesEqual(expected, actual)) return null;
  for (const field of ['key', 'db', 'namespace', 'expiresAtMs'] as const) {
    if (expected[field] !== actual[field]) return `${field} ${JSON.stringify(actual[field])} != ${JSON.stringify(expected[field])}`;
  }
  return tagsEqual(expected.tags, actual.tags) ? 'value differs' : 'tags differ';
}

/**
 * entryDifference's verdict without its message: the checkers compare entries after every change,
 * and building the tags' joined text and walking the fields by name cost more than the comparison.
 */
function entriesEqual(expected: Entry, actual: Entry): boolean {
  return (
    expected.key === actual.key &&
    expected.db === actual.db &&
    expected.namespace === actual.namespace &&
    expected.expiresAtMs === actual.expiresAtMs &&
    tagsEqual(expected.tags, actual.tags) &&
    bytesEqual(expected.value, actual.value)
  );
}

function tagsEqual(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

