import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../../../src/core/codec/base64.js';
import { ProtocolError } from '../../../../src/core/errors.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';
import type { SetOperation } from '../../../../src/core/operation.js';
import { decodeEveryWay } from './feed.js';
import { sampleSet } from './sample-frames.js';
import { bodyWith } from './wire-bodies.js';

const limits: Limits = { ...DEFAULT_LIMITS, valueBytesMax: 16 };
const frame: Frame = { kind: 'operation', sequence: 1, timestampMs: 1_700_000_000_000, op: sampleSet };
const withValue = (value: string): Uint8Array => bodyWith(frame, (data) => { data.value = value; });

describe('a SET value on the wire', () => {
  it('takes base64 of exactly valueBytesMax bytes', () => {
    const value = new Uint8Array(16).fill(7);
    expect((decodeEveryWay(withValue(encodeBase64(value)), limits) as { op: SetOperation }).op.value).toEqual(value);
  });

  it('refuses base64 longer than valueBytesMax bytes can take before decoding it', () => {
    // 28 characters: 21 bytes, past the 24 characters that 16 bytes take.
    expect(() => decodeEveryWay(withValue(encodeBase64(new Uint8Array(21))), limits)).toThrow(new ProtocolError('SET data.value is larger than 16 bytes'));
  });
});
