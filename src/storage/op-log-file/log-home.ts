import type { StorageBackend } from '../backend.js';
import type { LogStore } from './log-store.js';

/** Where a backend keeps a primary's operation log by default: beside its data, or nowhere (null). */
export function operationLogDirOf(backend: StorageBackend): string | null {
  const dir = (backend as Partial<{ operationLogDir: unknown }>).operationLogDir;
  return typeof dir === 'string' ? dir : null;
}

/** The log store a backend offers for a primary's operation log by default (RedisStorage: Redis itself), or null. */
export function operationLogStoreOf(backend: StorageBackend): LogStore | null {
  const store = (backend as Partial<{ operationLogStore: LogStore }>).operationLogStore;
  return store ?? null;
}
