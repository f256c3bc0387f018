import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../src/core/codec/canonical-json.js';
import { operationDataJson } from '../../../../src/core/codec/operation-text.js';
import { operationToWire } from '../../../../src/core/codec/operation-wire.js';
import { operationArb } from '../../../support/arbitraries.js';

describe('operationDataJson', () => {
  it('is the canonical JSON of the operation wire data, for every operation', () => {
    fc.assert(fc.property(operationArb, (op) => {
      expect(operationDataJson(op)).toBe(canonicalJson(operationToWire(op).data));
    }), { numRuns: 2_000 });
  });

  it('writes every optional field of a SET in its sorted place', () => {
    const op = { type: 'SET', path: 'p"\u00e9', key: 'k', value: Uint8Array.of(1, 2), db: 'd', namespace: 'n', tags: ['b', 'a'], expiresAtMs: 7 } as const;
    expect(operationDataJson(op)).toBe('{"_value_encoded":true,"db":"d","expires_at_ms":7,"key":"k","namespace":"n","path":"p\\"\\u00e9","tags":["b","a"],"value":"AQI="}');
  });
});
