import type { Entry, Keyspace } from '../src/core/keyspace.js';

/** The first difference between two keyspaces, or null when they hold the same entries. */
export function keyspaceDifference(expected: Keyspace, actual: Keyspace): string | null {
  if (expected.size !== actual.size) return `${actual.size} entries where ${expected.size} were expected`;
  for (const entry of expected.values()) {
    const other = actual.get(entry.path);
    if (other === undefined) return `missing ${entry.path}`;
    const difference = entryDifference(entry, other);
    if (difference !== null) return `${entry.path}: ${difference}`;
  }
  return null;
}

export function entryDifference(expected: Entry, actual: Entry): string | null {
  for (const field of ['key', 'db', 'namespace', 'expiresAtMs'] as const) {
    if (expected[field] !== actual[field]) return `${field} ${String(actual[field])} != ${String(expected[field])}`;
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

