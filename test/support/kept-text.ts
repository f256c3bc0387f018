import { operationDataText } from '../../src/core/codec/operation-encodings.js';
import type { Operation } from '../../src/core/operation.js';

/**
 * Whether `op`'s canonical JSON is kept: operations are never changed once made, so one changed
 * here behind the encoder's back still shows its old text only if that text was kept.
 */
export function keepsText(op: Extract<Operation, { path: string }>): boolean {
  const text = operationDataText(op);
  const changeable = op as { path: string };
  const path = changeable.path;
  changeable.path = `${path}/changed`;
  const kept = operationDataText(op) === text;
  changeable.path = path;
  return kept;
}
