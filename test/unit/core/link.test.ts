import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import { encodeFrame } from '../../../src/core/codec/index.js';
import { DEFAULT_LIMITS, FRAME_HEADER_BYTES } from '../../../src/core/limits.js';
import { OutputQueue } from '../../../src/core/output.js';
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

  it('refuses an inbound frame bound above frameBytesMax', () => {
    expect(() => new Link(1, DEFAULT_LIMITS, T0, DEFAULT_LIMITS.frameBytesMax + 1)).toThrow(
      new AssertionError('inboundFrameBytesMax must not exceed frameBytesMax'),
    );
  });

  it('counts the bytes it sends and returns what it queued', () => {
    const link = new Link(1, DEFAULT_LIMITS, T0);
    const outputs = new OutputQueue();
    const frame = { kind: 'heartbeat', timestampMs: T0 + 5, replicationId: null, lastSequence: 0 } as const;
    const expected = encodeFrame(frame, DEFAULT_LIMITS);
    expect(link.send(frame, outputs)).toEqual({ checksum: expected.checksum, frameBytes: expected.bytes.length });
    link.send(frame, outputs);
    expect(link.bytesSent).toBe(2 * expected.bytes.length);
    expect(link.lastSentMs).toBe(T0 + 5);
    expect(outputs.length).toBe(2);
    expect(outputs.shift()).toEqual({ kind: 'transmit', connectionId: 1, bytes: expected.bytes });
  });

  it('reports the bytes buffered of a partial frame', () => {
    const link = new Link(1, DEFAULT_LIMITS, T0);
    link.receive(HEARTBEAT.subarray(0, 7), T0);
    expect(link.bufferedBytes).toBe(7);
  });

  it('speaks JSON until the handshake sets a format, which it does once', () => {
    const link = new Link(1, DEFAULT_LIMITS, T0);
    expect(link.wireFormat).toBe('json');
    link.useWireFormat('binary-1');
    expect(link.wireFormat).toBe('binary-1');
    expect(() => link.useWireFormat('json')).toThrow(new AssertionError('the wire format is negotiated once per link'));
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
