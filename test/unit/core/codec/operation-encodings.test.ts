import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../src/core/codec/canonical-json.js';
import { admitOperation, operationBinary, operationDataText, releaseOperation } from '../../../../src/core/codec/operation-encodings.js';
import { operationToBinary } from '../../../../src/core/codec/operation-binary.js';
import { operationToWire } from '../../../../src/core/codec/operation-wire.js';
import type { DeleteOperation } from '../../../../src/core/operation.js';

/** Operations are never changed once made; one changed here shows whether an encoding was kept. */
type Changeable = { -readonly [K in keyof DeleteOperation]: DeleteOperation[K] };
const deleteOf = (path: string): Changeable => ({ type: 'DELETE', path });

describe('operation encodings', () => {
  it('are made once for an admitted operation, and shared', () => {
    const op = deleteOf('a');
    admitOperation(op);
    const binary = operationBinary(op);
    const text = operationDataText(op);
    op.path = 'b';
    expect(operationBinary(op)).toBe(binary);
    expect(operationDataText(op)).toBe(text);
    expect(text).toBe(canonicalJson(operationToWire(deleteOf('a')).data));
    expect(binary).toEqual(operationToBinary(deleteOf('a')));
  });

  it('are kept when an operation is admitted again', () => {
    const op = deleteOf('a');
    admitOperation(op);
    const binary = operationBinary(op);
    operationDataText(op);
    admitOperation(op);
    op.path = 'b';
    expect(operationBinary(op)).toBe(binary);
    expect(operationDataText(op)).toBe(canonicalJson(operationToWire(deleteOf('a')).data));
  });

  it('are made each time for an operation not admitted, or released', () => {
    const op = deleteOf('a');
    expect(operationBinary(op)).not.toBe(operationBinary(op));
    admitOperation(op);
    operationBinary(op);
    operationDataText(op);
    releaseOperation(op);
    op.path = 'b';
    expect(operationBinary(op)).toEqual(operationToBinary(deleteOf('b')));
    expect(operationBinary(op)).not.toBe(operationBinary(op));
    expect(operationDataText(op)).toBe(canonicalJson(operationToWire(deleteOf('b')).data));
  });
});
