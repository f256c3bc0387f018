import type { StorageResult } from '../../../src/core/storage-request.js';
import { Secondary } from '../../../src/core/secondary/secondary.js';

/**
 * Original #11: "a failed apply still advances the applied sequence". The applied sequence moves on
 * whatever the storage answers, so it no longer means "confirmed by storage".
 */
export class FailedApplyAdvancingSecondary extends Secondary {
  override handleStorageDone(requestId: number, result: StorageResult, nowMs: number): void {
    super.handleStorageDone(requestId, result.kind === 'failed' ? { kind: 'done', durable: false } : result, nowMs);
  }
}
