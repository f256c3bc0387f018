import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../src/core/codec/canonical-json.js';
import { frameText } from '../../../../src/core/codec/frame-text.js';
import { frameToWire } from '../../../../src/core/codec/frame-wire.js';
import { admitOperation, releaseOperation } from '../../../../src/core/codec/operation-encodings.js';
import type { Frame } from '../../../../src/core/frame.js';
import type { Operation } from '../../../../src/core/operation.js';
import { frameArb } from '../../../support/arbitraries.js';

function operationsOf(frame: Frame): Operation[] {
  if (frame.kind === 'operation') return [frame.op];
  if (frame.kind === 'batch') return frame.entries.map((entry) => entry.op);
  if (frame.kind === 'snapshotChunk') return [...frame.entries];
  return [];
}

function slowText(frame: Frame): ReturnType<typeof frameText> {
  const { type, sequence, timestamp, data } = frameToWire(frame);
  return { type, sequence, timestamp, data: canonicalJson(data) };
}

describe('frameText', () => {
  it('is the canonical JSON of the wire form, for every frame, whether its operations are in the log or not', () => {
    fc.assert(fc.property(frameArb, fc.boolean(), (frame, admitted) => {
      const operations = operationsOf(frame);
      if (admitted) operations.forEach(admitOperation);
      try {
        expect(frameText(frame)).toEqual(slowText(frame));
        // A second time from the kept text, where there is one.
        expect(frameText(frame)).toEqual(slowText(frame));
      } finally {
        operations.forEach(releaseOperation);
      }
    }), { numRuns: 1_000 });
  });
});
