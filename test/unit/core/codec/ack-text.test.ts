import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ackFromEncoderText } from '../../../../src/core/codec/ack-text.js';
import { checksumOfCanonicalText } from '../../../../src/core/codec/checksum.js';
import { decodeFrameBody } from '../../../../src/core/codec/decode.js';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { TIMESTAMP_MS_MAX } from '../../../../src/core/codec/wire-time.js';
import { ChecksumMismatchError, ProtocolError } from '../../../../src/core/errors.js';
import type { AckFrame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';

const limits = DEFAULT_LIMITS;
const ascii = new TextDecoder();
const utf8 = new TextEncoder();

const bodyText = (frame: AckFrame): string => ascii.decode(encodeFrame(frame, limits).bytes.subarray(4));

/** A body with `timestamp` and `received` written as given, and a checksum over exactly that text. */
function ackBody(timestamp: string, received: string): Uint8Array {
  const data = `{"applied_sequence":1,"bytes_received":2,"durable_sequence":0,"received_sequence":${received}}`;
  const checksum = checksumOfCanonicalText({ type: '"ACK"', sequence: '0', timestamp, data });
  return utf8.encode(`{"type":"ACK","sequence":0,"timestamp":${timestamp},"data":${data},"checksum":"${checksum}"}`);
}

const sequence = fc.oneof(fc.constantFrom(0, 1, 999_999_999_999_999), fc.nat({ max: Number.MAX_SAFE_INTEGER }));
const ackArb = fc.record({
  kind: fc.constant('ack' as const),
  timestampMs: fc.oneof(fc.constantFrom(0, 1, 10, 1_700_000_012_340, TIMESTAMP_MS_MAX), fc.nat({ max: TIMESTAMP_MS_MAX })),
  receivedSequence: sequence,
  appliedSequence: sequence,
  durableSequence: sequence,
  bytesReceived: sequence,
});

describe('ackFromEncoderText', () => {
  it('reads every ACK our encoder writes back to the same frame, the same way the general decoder does', () => {
    fc.assert(
      fc.property(ackArb, (frame) => {
        const text = bodyText(frame);
        const decoded = decodeFrameBody(utf8.encode(text), limits);
        expect(decoded.frame).toEqual(frame);
        expect(decoded.checksum).toBe(encodeFrame(frame, limits).checksum);
        // Numbers of 16 digits go the general way; every other ACK is read here.
        const numbers = [frame.timestampMs, frame.receivedSequence, frame.appliedSequence, frame.durableSequence, frame.bytesReceived];
        if (numbers.every((number) => number < 1e15)) expect(ackFromEncoderText(text)).toEqual(decoded);
      }),
    );
  });

  it('takes only text whose numbers are their own canonical JSON', () => {
    const integer = fc.oneof(fc.constant('0'), fc.tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{0,14}$/)).map(([head, tail]) => `${head}${tail}`));
    const fraction = fc.option(fc.stringMatching(/^\d{0,2}[1-9]$/), { nil: undefined });
    const whole = fc.oneof(fc.constant('0'), fc.tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{0,11}$/)).map(([head, tail]) => `${head}${tail}`));
    fc.assert(
      fc.property(whole, fraction, integer, (seconds, decimals, received) => {
        const timestamp = decimals === undefined ? seconds : `${seconds}.${decimals}`;
        expect(String(Number(timestamp))).toBe(timestamp);
        expect(String(Number(received))).toBe(received);
        expect(ackFromEncoderText(ascii.decode(ackBody(timestamp, received)))).toBeDefined();
      }),
    );
  });

  it('leaves a timestamp that is not canonical to the general decoder, which refuses a checksum over it', () => {
    for (const timestamp of ['1700000012.340', '1.7e9', '17e8', '1700000012.0']) {
      const body = ackBody(timestamp, '5');
      expect(ackFromEncoderText(ascii.decode(body))).toBeUndefined();
      expect(() => decodeFrameBody(body, limits)).toThrow(ChecksumMismatchError);
    }
    // Not JSON at all.
    for (const timestamp of ['01700000012.34', '1700000012.']) expect(() => decodeFrameBody(ackBody(timestamp, '5'), limits)).toThrow(ProtocolError);
  });

  it('leaves a number past 15 digits to the general decoder, which refuses one that is not a safe integer', () => {
    const body = ackBody('1700000012.34', '9007199254740993');
    expect(ackFromEncoderText(ascii.decode(body))).toBeUndefined();
    expect(() => decodeFrameBody(body, limits)).toThrow(ProtocolError);
  });

  it('refuses a damaged ACK as the general decoder does', () => {
    const text = bodyText({ kind: 'ack', timestampMs: 1_700_000_012_345, receivedSequence: 42, appliedSequence: 41, durableSequence: 40, bytesReceived: 1234 });
    const damaged = text.replace('"received_sequence":42', '"received_sequence":43');
    expect(ackFromEncoderText(damaged)).toBeUndefined();
    expect(() => decodeFrameBody(utf8.encode(damaged), limits)).toThrow(ChecksumMismatchError);
  });
});
