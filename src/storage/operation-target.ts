import type { Operation, SetOperation } from '../core/operation.js';
import type { StoredMetadata } from './stored-json.js';

/**
 * Keyspace.apply's meaning in four primitives, for a backend that stores an entry in parts:
 * SET replaces the whole entry, DELETE and FLUSH remove, SET_TTL and METADATA change an existing
 * entry's record only (update does nothing when there is no entry).
 */
export interface OperationTarget<R> {
  put(entry: SetOperation): R;
  remove(path: string): R;
  update(path: string, change: (stored: StoredMetadata) => StoredMetadata): R;
  flush(db: string | null, namespace: string | null): R;
}

export function applyOperation<R>(target: OperationTarget<R>, op: Operation): R {
  switch (op.type) {
    case 'SET':
      return target.put(op);
    case 'DELETE':
      return target.remove(op.path);
    case 'SET_TTL':
      return target.update(op.path, (stored) => ({ ...stored, expiresAtMs: op.expiresAtMs }));
    case 'METADATA':
      return target.update(op.path, (stored) => ({ ...stored, tags: op.tags }));
    case 'FLUSH':
      return target.flush(op.db, op.namespace);
  }
}
