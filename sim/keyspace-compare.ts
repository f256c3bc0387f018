import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
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

/** A short fingerprint of a keyspace's entries (order-independent), for people to compare. */
export function keyspaceFingerprint(keyspace: Keyspace): string {
  const paths = [...keyspace.paths()].sort();
  const hash = sha256.create();
  const encoder = new TextEncoder();
  for (const path of paths) {
    const entry = keyspace.get(path);
    if (entry === undefined) continue;
    const { value, ...metadata } = entry;
    hash.update(encoder.encode(JSON.stringify(metadata)));
    hash.update(value);
  }
  return bytesToHex(hash.digest()).slice(0, 16);
}
