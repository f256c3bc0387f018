/**
 * A secondary dialling something that is not a faithful primary: after a genuine handshake (or
 * none), any sequence of valid frames of every kind (batches with gaps, chunks out of order,
 * heartbeats ahead of the stream, other histories), valid frames with a flipped byte, bare length
 * prefixes and junk, while its storage completes. The secondary must never throw, must keep
 * every invariant after every input, and must hand storage only what continues its history: each
 * apply's cursor moves by exactly its operations on the history it holds (a snapshot's commit
 * starts another). What cannot be believed closes the link. The same on a link that negotiated
 * binary data frames, where the hostile frames are binary too. A secondary with a token, dialling
 * something that does not hold it, never asks it for data, nor takes any.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINARY_WIRE_FORMAT, encodeFrame, type WireFormat } from '../../src/core/codec/index.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../../src/core/limits.js';
import type { Cursor } from '../../src/core/storage-request.js';
import { Secondary } from '../../src/core/secondary/secondary.js';
import { consecutiveEntriesArb, frameArb, frameArbs, wellFormed, wellFormedFrameArb } from '../support/arbitraries.js';
import { lengthPrefixArb } from '../support/hostile-bytes.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../support/machine.js';

const RUNS = 300;
const HISTORY = 'a'.repeat(32);

type Input = { readonly kind: 'bytes'; readonly bytes: Uint8Array } | { readonly kind: 'tick'; readonly ms: number };

/** Batches of consecutive operations: from sequence 1 (which the handshake's stream accepts) or from anywhere. */
const streamArb: fc.Arbitrary<Frame> = fc.tuple(consecutiveEntriesArb({ minLength: 1, maxLength: 4 }), fc.boolean()).map(([entries, fromOne]) => ({
  kind: 'batch',
  timestampMs: T0,
  entries: fromOne ? entries.map((entry, index) => ({ ...entry, sequence: index + 1 })) : entries,
}));

/** What a hostile primary sends on a link of `format`: on a binary-1 link its data frames are binary, names well-formed. */
function inputArbOf(format: WireFormat): fc.Arbitrary<Input> {
  const encode = (frame: Frame): Uint8Array => encodeFrame(frame, DEFAULT_LIMITS, format).bytes;
  const frames = format === 'json' ? fc.oneof(frameArb, streamArb) : fc.oneof(wellFormedFrameArb, streamArb.map(wellFormed));
  const flipped = fc.tuple(frames, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([frame, at, mask]) => {
    const bytes = encode(frame).slice();
    const index = at % bytes.length;
    bytes[index] = (bytes[index] ?? 0) ^ mask;
    return bytes;
  });
  return fc.oneof(
    { weight: 4, arbitrary: frames.map((frame) => ({ kind: 'bytes' as const, bytes: encode(frame) })) },
    { weight: 1, arbitrary: fc.oneof(flipped, lengthPrefixArb, fc.uint8Array({ minLength: 1, maxLength: 64 })).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((ms) => ({ kind: 'tick' as const, ms })) },
  );
}

/** A secondary whose storage completes every request at once, checked after every input. */
class Harness {
  readonly secondary: Secondary;
  nowMs = T0;
  private connectionId: number | undefined;
  /** Where storage stands, as the requests handed to it say. */
  private cursor: Cursor = { replicationId: HISTORY, sequence: 0 };
  /** The kinds of every frame the secondary sent, and how many storage requests it made. */
  readonly sentKinds = new Set<Frame['kind']>();
  storageRequests = 0;

  constructor(format: WireFormat, authToken: string | null = null) {
    const wireFormat = format === 'json' ? 'json' : 'binary';
    this.secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 0 }, wireFormat, authToken });
    this.secondary.handleTimeout(T0);
    this.settle();
  }

  run(input: Input): void {
    if (input.kind === 'tick') {
      this.nowMs += input.ms;
      this.secondary.handleTimeout(this.nowMs);
    } else if (this.connectionId !== undefined) {
      this.secondary.handleBytes(this.connectionId, input.bytes, this.nowMs);
    }
    this.settle();
  }

  private settle(): void {
    for (let outputs = drain(this.secondary); outputs.length > 0; outputs = drain(this.secondary)) {
      for (const connect of ofKind(outputs, 'connect')) {
        this.connectionId = connect.connectionId;
        this.secondary.handleConnected(connect.connectionId, this.nowMs);
      }
      for (const close of ofKind(outputs, 'close')) if (close.connectionId === this.connectionId) this.connectionId = undefined;
      for (const frame of sentFrames(outputs)) this.sentKinds.add(frame.kind);
      for (const request of ofKind(outputs, 'storage')) {
        this.storageRequests += 1;
        this.follow(request.request);
        const result = request.request.kind === 'scan' ? { kind: 'scanned' as const, entries: [], done: true } : { kind: 'done' as const, durable: true };
        this.secondary.handleStorageDone(request.requestId, result, this.nowMs);
        this.secondary.invariants();
      }
    }
    this.secondary.invariants();
  }

  private follow(request: ReturnType<typeof ofKind<'storage'>>[number]['request']): void {
    if (request.kind === 'stageCommit') this.cursor = request.cursor;
    if (request.kind !== 'apply' || request.cursor === null) return;
    expect(request.cursor.replicationId, 'an apply on another history than storage holds').toBe(this.cursor.replicationId);
    expect(request.cursor.sequence, 'an apply that does not continue storage\'s history').toBe(this.cursor.sequence + request.operations.length);
    this.cursor = request.cursor;
  }
}

describe.each(['json', BINARY_WIRE_FORMAT] as const)('a secondary against a hostile primary, on a %s link', (format) => {
  it('keeps its invariants whatever the link sends, at any phase', () => {
    const chosen = format === 'json' ? {} : ({ wireFormat: BINARY_WIRE_FORMAT } as const);
    fc.assert(
      fc.property(fc.boolean(), fc.array(inputArbOf(format), { maxLength: 40 }), (handshake, inputs) => {
        const harness = new Harness(format);
        if (handshake) {
          harness.run({ kind: 'bytes', bytes: bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0, ...chosen }) });
          harness.run({ kind: 'bytes', bytes: bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }) });
        }
        for (const input of inputs) harness.run(input);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('a secondary with a token against a primary that does not hold it', () => {
  it('never asks it to sync, and hands storage nothing, whatever it sends (CHALLENGEs and WELCOMEs with any proof included)', () => {
    fc.assert(
      fc.property(frameArbs.challenge, frameArbs.welcome, fc.array(inputArbOf('json'), { maxLength: 40 }), (challenge, welcome, inputs) => {
        const harness = new Harness('json', 'the token');
        // An impostor that knows the protocol but not the token: a CHALLENGE, a WELCOME with a proof of its own making.
        harness.run({ kind: 'bytes', bytes: bytesOf(challenge) });
        harness.run({ kind: 'bytes', bytes: bytesOf(welcome.kind === 'welcome' ? { ...welcome, protocolVersion: PROTOCOL_VERSION } : welcome) });
        for (const input of inputs) harness.run(input);
        expect(harness.sentKinds.has('syncRequest')).toBe(false);
        expect(harness.storageRequests).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });
});
