import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../../src/core/errors.js';
import { decodeEveryWay } from './feed.js';
import { sampleFrames } from './sample-frames.js';
import { bodyWith } from './wire-bodies.js';

describe('frameFromWire', () => {
  it('quotes at most 64 code units of a BATCH item\'s unknown type: a peer\'s text does not size our errors', () => {
    const body = bodyWith(sampleFrames.batch, (data) => {
      (data.operations as { type: string }[])[0]!.type = 'X'.repeat(100);
    });
    expect(() => decodeEveryWay(body)).toThrow(new ProtocolError(`BATCH data.operations[0].type "${'X'.repeat(64)}" is not an operation type`));
  });
});
