import type { StorageBackend } from '../backend.js';

/** Where a backend keeps a primary's operation log by default: beside its data, or nowhere (null). */
export function operationLogDirOf(backend: StorageBackend): string | null {
  const dir = (backend as Partial<{ operationLogDir: unknown }>).operationLogDir;
  return typeof dir === 'string' ? dir : null;
}
