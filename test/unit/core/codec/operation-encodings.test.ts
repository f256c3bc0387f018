import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../src/core/codec/canonical-json.js';
import { admitOperation, operationDataText, releaseOperation } from '../../../../src/core/codec/operation-encodings.js';
import { operationToWire } from '../../../../src/core/codec/operation-wire.js';
import type { DeleteOperation } from '../../../../src/core/operation.js';
import { keepsText } from '../../../support/kept-text.js';

const deleteOf = (path: string): DeleteOperation => ({ type: 'DELETE', path });

describe('operation encodings', () => {
  it('make the text of an admitted operation once, and keep it', () => {
    const op = deleteOf('a');
    admitOperation(op);
    expect(operationDataText(op)).toBe(canonicalJson(operationToWire(deleteOf('a')).data));
    expect(keepsText(op)).toBe(true);
  });

  it('keep the text when an operation is admitted again', () => {
    const op = deleteOf('a');
    admitOperation(op);
    operationDataText(op);
    admitOperation(op);
    expect(keepsText(op)).toBe(true);
  });

  it('make the text each time for an operation not admitted, or released', () => {
    const op = deleteOf('a');
    expect(keepsText(op)).toBe(false);
    admitOperation(op);
    operationDataText(op);
    releaseOperation(op);
    expect(keepsText(op)).toBe(false);
    expect(operationDataText(op)).toBe(canonicalJson(operationToWire(deleteOf('a')).data));
  });
});
