import { DEFAULT_CONTEXT } from './api-operations.js';
import { assert } from './assert.js';
import { bytesToText as byteText, textToBytes } from './byte-text.js';
import { ARENA_VALUE_BYTES_MAX, COMPACT_VALUE_BYTES_MAX, SHARED_NAMES_MAX, VIEW_SLACK_SHARE } from './limits.js';
import { NO_TAGS, type SetOperation } from './operation.js';
import type { ValueArena } from './value-arena.js';

/** A value as a keyspace holds it: one-byte text (a character per byte) when small, else bytes. */
export type CompactValue = string | Uint8Array;

/** An entry with more than a value to it: a key of its own, another db or namespace, tags or an expiry. */
export interface CompactEntry {
  /** Null when the key is the path. */
  readonly key: string | null;
  readonly value: CompactValue;
  readonly db: string;
  readonly namespace: string;
  readonly tags: readonly string[];
  readonly expiresAtMs: number | null;
}

/**
 * An entry as a keyspace holds it, for memory: the path is the map's key; a plain entry (key =
 * path, the default db and namespace, no tags, no expiry: what writeData writes) is its value
 * alone, a small one as its location in the keyspace's ValueArena (a number, nothing for the
 * collector to copy), a large one as its bytes; names are shared copies. A million entries of
 * 100 B take 205 MiB of RSS and 178 of heap and buffers this way (235 and 173 with each value a
 * one-byte string), 731 and 520 as decoded operations (`npm run bench:memory`).
 */
export type StoredEntry = number | Uint8Array | CompactEntry;

/** One copy of each name seen, up to SHARED_NAMES_MAX names. */
export class SharedNames {
  private readonly names = new Map<string, string>();

  get size(): number {
    return this.names.size;
  }

  share(name: string): string {
    const shared = this.names.get(name);
    if (shared !== undefined) return shared;
    if (this.names.size < SHARED_NAMES_MAX) this.names.set(name, name);
    return name;
  }

  shareAll(names: readonly string[]): readonly string[] {
    if (names.length === 0) return NO_TAGS;
    return Object.freeze(names.map((name) => this.share(name)));
  }
}

export function storeEntry(entry: SetOperation, names: SharedNames, arena: ValueArena): StoredEntry {
  if (isPlain(entry)) return entry.value.length <= ARENA_VALUE_BYTES_MAX ? arena.store(entry.path, entry.value) : ownBytes(entry.value);
  const small = entry.value.length <= COMPACT_VALUE_BYTES_MAX;
  const value = small ? bytesToText(entry.value) : ownBytes(entry.value);
  return {
    key: entry.key === entry.path ? null : entry.key,
    value,
    db: names.share(entry.db),
    namespace: names.share(entry.namespace),
    tags: names.shareAll(entry.tags),
    expiresAtMs: entry.expiresAtMs,
  };
}

/**
 * The entry again, as the operation that wrote it: a new object with bytes of its own, which its
 * reader may change (a large value's were the keyspace's own: a caller that changed what readData
 * gave it changed the node's data, and its secondaries no longer held the same).
 */
export function loadEntry(path: string, stored: StoredEntry, arena: ValueArena): SetOperation {
  if (typeof stored === 'number') return plainEntry(path, arena.load(stored));
  const entry = peekEntry(path, stored, arena);
  return holdsBytes(stored) ? { ...entry, value: entry.value.slice() } : entry;
}

/**
 * The entry again, a large value's bytes being the keyspace's own: for a reader that only looks at
 * it (exists, size, metadata, a comparison) and hands none of it out. Copying 4 MiB to learn
 * their size would cost what loading them does.
 */
export function peekEntry(path: string, stored: StoredEntry, arena: ValueArena): SetOperation {
  if (isPlainValue(stored)) return plainEntry(path, typeof stored === 'number' ? arena.peek(stored) : stored);
  return {
    type: 'SET',
    path,
    key: stored.key ?? path,
    value: valueBytes(stored.value),
    db: stored.db,
    namespace: stored.namespace,
    tags: stored.tags,
    expiresAtMs: stored.expiresAtMs,
  };
}

function plainEntry(path: string, value: Uint8Array): SetOperation {
  return { type: 'SET', path, key: path, value, db: DEFAULT_CONTEXT.db, namespace: DEFAULT_CONTEXT.namespace, tags: NO_TAGS, expiresAtMs: null };
}

/** A large value, kept as bytes rather than as text or in the arena. */
function holdsBytes(stored: StoredEntry): boolean {
  return stored instanceof Uint8Array || (typeof stored === 'object' && stored.value instanceof Uint8Array);
}

/** The db and namespace of a stored entry, without loading it (what a FLUSH looks at). */
export function storedScope(stored: StoredEntry): { readonly db: string; readonly namespace: string } {
  return isPlainValue(stored) ? DEFAULT_CONTEXT : stored;
}

/** The tags of a stored entry, without loading its value (what a listing by tag looks at). */
export function storedTags(stored: StoredEntry): readonly string[] {
  return isPlainValue(stored) ? NO_TAGS : stored.tags;
}

function isPlain(entry: SetOperation): boolean {
  return (
    entry.key === entry.path &&
    entry.db === DEFAULT_CONTEXT.db &&
    entry.namespace === DEFAULT_CONTEXT.namespace &&
    entry.tags.length === 0 &&
    entry.expiresAtMs === null
  );
}

function isPlainValue(stored: StoredEntry): stored is number | Uint8Array {
  return typeof stored === 'number' || stored instanceof Uint8Array;
}

function valueBytes(value: CompactValue): Uint8Array {
  return typeof value === 'string' ? textToBytes(value) : value;
}

/**
 * A view of a much larger buffer (a decoded frame's) is copied: kept as it is, it would keep all of
 * that buffer. One that is most of its buffer (a large value, alone in its frame) is kept: copying
 * 4 MiB into a new array, whose first writes each fault in a page, took a secondary about 10 ms.
 * What a kept view holds beyond its value is at most VIEW_SLACK_SHARE of it.
 */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.buffer.byteLength - bytes.byteLength <= bytes.byteLength * VIEW_SLACK_SHARE ? bytes : bytes.slice();
}

function bytesToText(bytes: Uint8Array): string {
  assert(bytes.length <= COMPACT_VALUE_BYTES_MAX, 'only small values are kept as text');
  return byteText(bytes);
}
