import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, FRAME_HEADER_BYTES } from '../../../src/core/limits.js';
import { ChecksumMismatchError, FrameTooLargeError, ProtocolError } from '../../../src/core/errors.js';
import { Link, protocolErrorCode, unackedBytesMax } from '../../../src/core/link.js';
import { bytesOf, T0 } from '../../support/machine.js';

const HEARTBEAT = bytesOf({ kind: 'heartbeat', timestampMs: T0, replicationId: null, lastSequence: 0 });

describe('Link', () => {
  it('holds its invariants with part of a frame buffered, not with a whole one left undrained', () => {
    const link = new Link(1, DEFAULT_LIMITS, T0);
    link.receive(HEARTBEAT.subarray(0, HEARTBEAT.length - 1), T0);
    expect(() => link.invariants()).not.toThrow();
    link.receive(HEARTBEAT.subarray(HEARTBEAT.length - 1), T0);
    link.receive(HEARTBEAT, T0);
    expect(link.nextFrame()?.frame.kind).toBe('heartbeat');
    expect(() => link.invariants()).toThrow(/a whole frame left in the decoder/);
    expect(link.nextFrame()?.frame.kind).toBe('heartbeat');
    expect(() => link.invariants()).not.toThrow();
  });

  it('allows the outbound budget plus one whole frame unacknowledged', () => {
    const limits = { ...DEFAULT_LIMITS, outboundBudgetBytes: 40_000, frameBytesMax: 30_000 };
    expect(unackedBytesMax(limits)).toBe(40_000 + FRAME_HEADER_BYTES + 30_000);
  });

  it('tells the peer which rule its bytes broke', () => {
    expect(protocolErrorCode(new ChecksumMismatchError('x'))).toBe('checksum');
    expect(protocolErrorCode(new FrameTooLargeError('x'))).toBe('frame_too_large');
    expect(protocolErrorCode(new ProtocolError('x'))).toBe('protocol');
  });
});
