import { StorageLostError } from '../core/errors.js';
import type { StorageRequest, StorageResult } from '../core/storage-request.js';
import type { StorageBackend } from './backend.js';

/** Runs one of the core's storage requests on a backend; a rejection becomes a `failed` result. */
export async function executeRequest(backend: StorageBackend, request: StorageRequest): Promise<StorageResult> {
  try {
    switch (request.kind) {
      case 'apply':
        return { kind: 'done', ...(await backend.apply(request.operations, request.cursor)) };
      case 'scan':
        return { kind: 'scanned', ...(await backend.scan(request)) };
      case 'stageBegin':
        await backend.stageBegin();
        return { kind: 'done', durable: false };
      case 'stageApply':
        await backend.stageApply(request.operations);
        return { kind: 'done', durable: false };
      case 'stageCommit':
        return { kind: 'done', ...(await backend.stageCommit(request.cursor)) };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return error instanceof StorageLostError ? { kind: 'failed', message, lost: true } : { kind: 'failed', message };
  }
}
