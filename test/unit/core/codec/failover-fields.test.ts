import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { frameToWire } from '../../../../src/core/codec/frame-wire.js';
import { ChecksumMismatchError, ProtocolError } from '../../../../src/core/errors.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { decodeEveryWay } from './feed.js';
import { sampleFrames } from './sample-frames.js';
import { bodyWith } from './wire-bodies.js';

const promotedWelcome: Frame = { ...sampleFrames.welcome, epoch: 2, previous: { replicationId: 'e'.repeat(32), endSequence: 40 } } as Frame;

function rejection(body: Uint8Array): Error {
  try {
    decodeEveryWay(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).not.toBeInstanceOf(ChecksumMismatchError);
    return error as Error;
  }
  throw new Error('decoded');
}

describe('the failover fields of HELLO and WELCOME', () => {
  it('round-trip, under their documented wire names', () => {
    const hello = { ...sampleFrames.hello, epoch: 3 } as Frame;
    expect(decodeEveryWay(encodeFrame(hello, DEFAULT_LIMITS).bytes.subarray(4))).toEqual(hello);
    expect(decodeEveryWay(encodeFrame(promotedWelcome, DEFAULT_LIMITS).bytes.subarray(4))).toEqual(promotedWelcome);
    const data = (frameToWire(promotedWelcome) as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ epoch: 2, previous_replication_id: 'e'.repeat(32), previous_end_sequence: 40 });
  });

  it('are absent from the frames of a node that never saw a failover, which stay the original\'s', () => {
    expect(Object.keys((frameToWire(sampleFrames.hello) as { data: object }).data)).not.toContain('epoch');
    expect(Object.keys((frameToWire(sampleFrames.welcome) as { data: object }).data).sort()).toEqual(['last_sequence', 'protocol_version', 'replication_id']);
  });

  it('refuse an epoch written out at 0 or below: absent is 0, so every epoch has one encoding', () => {
    expect(rejection(bodyWith(sampleFrames.hello, (data) => { data.epoch = 0; })).message).toMatch(/HELLO data.epoch/);
    expect(rejection(bodyWith(sampleFrames.welcome, (data) => { data.epoch = -1; })).message).toMatch(/WELCOME data.epoch/);
    expect(rejection(bodyWith(sampleFrames.welcome, (data) => { data.epoch = 'one'; })).message).toMatch(/epoch/);
  });

  it('refuse a previous history without where it ended, or the reverse', () => {
    expect(rejection(bodyWith(promotedWelcome, (data) => { delete data.previous_end_sequence; })).message).toMatch(/previous_end_sequence/);
    expect(rejection(bodyWith(promotedWelcome, (data) => { delete data.previous_replication_id; })).message).toMatch(/previous_end_sequence/);
  });

  it('refuse a previous history that ended after the new one\'s last sequence', () => {
    expect(rejection(bodyWith(promotedWelcome, (data) => { data.previous_end_sequence = 42; })).message).toMatch(/must not pass last_sequence/);
  });

  it('take the fenced ERROR code', () => {
    const fenced: Frame = { kind: 'error', timestampMs: sampleFrames.welcome.timestampMs, code: 'fenced', message: 'older epoch' };
    expect(decodeEveryWay(encodeFrame(fenced, DEFAULT_LIMITS).bytes.subarray(4))).toEqual(fenced);
  });
});
