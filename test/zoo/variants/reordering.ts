import type { Output } from '../../../src/core/output.js';
import { Primary } from '../../../src/core/primary/primary.js';

/**
 * Original #5: concurrent callers' writes are sequenced in one order and reach storage in another.
 * Writes that wait together for storage (a group commit) are applied last first.
 */
export class ReorderingPrimary extends Primary {
  override poll(): Output | undefined {
    const output = super.poll();
    if (output?.kind !== 'storage' || output.request.kind !== 'apply') return output;
    return { ...output, request: { ...output.request, operations: [...output.request.operations].reverse() } };
  }
}
