import { StorageFailedError } from '../core/errors.js';
import type { Entry } from '../core/keyspace.js';
import type { Cursor } from '../core/storage-request.js';
import type { EntryMetadata } from './backend.js';

/** What the file system and Redis backends store beside a value, as JSON: everything but the path. */
export type StoredMetadata = Pick<Entry, 'key' | 'db' | 'namespace' | 'tags' | 'expiresAtMs'>;

export function encodeMetadata(entry: StoredMetadata): string {
  const { key, db, namespace, tags, expiresAtMs } = entry;
  return JSON.stringify({ key, db, namespace, tags, expiresAtMs });
}

/** `where` names the record in the error, so a corrupt store says which record is corrupt. */
export function decodeMetadata(json: string, where: string): StoredMetadata {
  const value = parseObject(json, where);
  const { key, db, namespace, tags, expiresAtMs } = value;
  const valid = typeof key === 'string' && typeof db === 'string' && typeof namespace === 'string'
    && Array.isArray(tags) && tags.every((tag) => typeof tag === 'string')
    && (expiresAtMs === null || Number.isSafeInteger(expiresAtMs));
  if (!valid) throw new StorageFailedError(`corrupt metadata in ${where}: ${json}`);
  return { key, db, namespace, tags, expiresAtMs } as StoredMetadata;
}

/** The epoch is written only above 0: a cursor of a node that never saw a failover keeps its bytes. */
export function encodeCursor(cursor: Cursor): string {
  const epoch = cursor.epoch ?? 0;
  return JSON.stringify({ replicationId: cursor.replicationId, sequence: cursor.sequence, ...(epoch > 0 ? { epoch } : {}) });
}

export function decodeCursor(json: string, where: string): Cursor {
  const { replicationId, sequence, epoch } = parseObject(json, where);
  const epochValid = epoch === undefined || (Number.isSafeInteger(epoch) && (epoch as number) > 0);
  if (typeof replicationId !== 'string' || !Number.isSafeInteger(sequence) || !epochValid) {
    throw new StorageFailedError(`corrupt cursor in ${where}: ${json}`);
  }
  return { replicationId, sequence: sequence as number, ...(epoch === undefined ? {} : { epoch: epoch as number }) };
}

export function entryMetadataOf(path: string, stored: StoredMetadata, sizeBytes: number): EntryMetadata {
  const { key, db, namespace, tags, expiresAtMs } = stored;
  return { path, key, db, namespace, tags, expiresAtMs, sizeBytes };
}

export function entryOf(metadata: EntryMetadata, value: Uint8Array): Entry {
  const { path, key, db, namespace, tags, expiresAtMs } = metadata;
  return { type: 'SET', path, key, value, db, namespace, tags, expiresAtMs };
}

function parseObject(json: string, where: string): Record<string, unknown> {
  return parseJsonObject(json, () => new StorageFailedError(`corrupt JSON in ${where}: ${json}`));
}

/**
 * A stored JSON object, or `corrupt()` thrown for text that is not one (not JSON, or `null`, a
 * number, ...): what a store wrote and a checksum vouches for is reported as the store's
 * corruption, never as a SyntaxError or a TypeError further on.
 */
export function parseJsonObject(json: string, corrupt: () => Error): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw corrupt();
  }
  if (typeof value !== 'object' || value === null) throw corrupt();
  return value as Record<string, unknown>;
}
