/**
 * A secondary dialling something that is not a faithful primary: after a genuine handshake (or
 * none), any sequence of valid frames of every kind (batches with gaps, chunks out of order,
 * heartbeats ahead of the stream, other histories), valid frames with a flipped byte, bare length
 * prefixes and junk, while its storage completes (at once, or when it is told to). The secondary must never throw, must keep
 * every invariant after every input, and must hand storage only what continues its history: each
 * apply's cursor moves by exactly its operations on the history it holds (a snapshot's commit
 * starts another). What cannot be believed closes the link. The same on a link that negotiated
 * binary data frames, where the hostile frames are binary too; and with a storage that lags, against
 * a primary that streams on past the window the secondary granted. A secondary with a token, dialling
 * something that does not hold it, never asks it for data, nor takes any.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT, encodeFrame, type WireFormat } from '../../src/core/codec/index.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION, type Limits } from '../../src/core/limits.js';
import type { Cursor, StorageRequest } from '../../src/core/storage-request.js';
import { Secondary } from '../../src/core/secondary/secondary.js';
import { consecutiveEntriesArb, frameArb, frameArbs, wellFormed, wellFormedFrameArb } from '../support/arbitraries.js';
import { lengthPrefixArb } from '../support/hostile-bytes.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../support/machine.js';
import { set } from '../support/ops.js';

const RUNS = 300;
const HISTORY = 'a'.repeat(32);

type Input = { readonly kind: 'bytes'; readonly bytes: Uint8Array } | { readonly kind: 'tick'; readonly ms: number } | { readonly kind: 'complete' };

/** Batches of consecutive operations: from sequence 1 (which the handshake's stream accepts) or from anywhere. */
const streamArb: fc.Arbitrary<Frame> = fc.tuple(consecutiveEntriesArb({ minLength: 1, maxLength: 4 }), fc.boolean()).map(([entries, fromOne]) => ({
  kind: 'batch',
  timestampMs: T0,
  entries: fromOne ? entries.map((entry, index) => ({ ...entry, sequence: index + 1 })) : entries,
}));

/** What a hostile primary sends on a link of `format`: on a binary link its data frames are binary, names well-formed. */
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
    { weight: 1, arbitrary: fc.constant({ kind: 'complete' as const }) },
  );
}

/** A secondary whose storage completes every request at once, or (lazy) one request per 'complete' input, checked after every input. */
class Harness {
  readonly secondary: Secondary;
  nowMs = T0;
  private connectionId: number | undefined;
  /** Where storage stands, as the requests handed to it say. */
  private cursor: Cursor = { replicationId: HISTORY, sequence: 0 };
  /** The kinds of every frame the secondary sent, and how many storage requests it made. */
  readonly sentKinds = new Set<Frame['kind']>();
  storageRequests = 0;
  /** Lazy storage's requests not yet completed, oldest first (a secondary has one in flight at most). */
  private readonly pending: { readonly requestId: number; readonly request: StorageRequest }[] = [];

  constructor(format: WireFormat, options: { readonly authToken?: string; readonly lazyStorage?: boolean; readonly limits?: Partial<Limits> } = {}) {
    const wireFormat = format === 'json' ? 'json' : 'binary';
    this.lazyStorage = options.lazyStorage ?? false;
    const { limits, authToken = null } = options;
    this.secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 0 }, wireFormat, authToken, limits });
    this.secondary.handleTimeout(T0);
    this.settle();
  }

  private readonly lazyStorage: boolean;

  run(input: Input): void {
    if (input.kind === 'complete') {
      const oldest = this.pending.shift();
      if (oldest !== undefined) this.complete(oldest.requestId, oldest.request);
    } else if (input.kind === 'tick') {
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
        if (this.lazyStorage) this.pending.push(request);
        else this.complete(request.requestId, request.request);
      }
    }
    this.secondary.invariants();
  }

  private complete(requestId: number, request: StorageRequest): void {
    this.follow(request);
    const result = request.kind === 'scan' ? { kind: 'scanned' as const, entries: [], done: true } : { kind: 'done' as const, durable: true };
    this.secondary.handleStorageDone(requestId, result, this.nowMs);
    this.secondary.invariants();
  }

  private follow(request: StorageRequest): void {
    if (request.kind === 'stageCommit') this.cursor = request.cursor;
    if (request.kind !== 'apply' || request.cursor === null) return;
    expect(request.cursor.replicationId, 'an apply on another history than storage holds').toBe(this.cursor.replicationId);
    expect(request.cursor.sequence, 'an apply that does not continue storage\'s history').toBe(this.cursor.sequence + request.operations.length);
    this.cursor = request.cursor;
  }
}

describe.each(['json', BINARY_SHA256_FORMAT, BINARY_CRC32_FORMAT] as const)('a secondary against a hostile primary, on a %s link', (format) => {
  it('keeps its invariants whatever the link sends, at any phase', () => {
    const chosen = format === 'json' ? {} : ({ wireFormat: format } as const);
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.array(inputArbOf(format), { maxLength: 40 }), (handshake, lazyStorage, inputs) => {
        const harness = new Harness(format, { lazyStorage });
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
        const harness = new Harness('json', { authToken: 'the token' });
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

/** Frames of at most 8 KiB and a window of one of them, so that a short flood outruns it. */
const SMALL_WINDOW: Partial<Limits> = { valueBytesMax: 1_024, batchBytesMax: 4_096, snapshotChunkBytesMax: 4_096, frameBytesMax: 8_192, outboundBudgetBytes: 8_192, snapshotBudgetBytes: 4_096 };

/** Batches (their sizes) that continue the history from sequence 1, as if each were acknowledged at once, and now and then storage finishing a request. */
const floodArb = fc.array(
  fc.oneof(
    { weight: 9, arbitrary: fc.array(fc.nat({ max: 1_000 }), { minLength: 1, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.constant('complete' as const) },
  ),
  { maxLength: 120 },
);

function floodInputs(flood: readonly (readonly number[] | 'complete')[], format: WireFormat): Input[] {
  let next = 1;
  return flood.map((step): Input => {
    if (step === 'complete') return { kind: 'complete' };
    const entries = step.map((valueBytes) => ({ sequence: next++, timestampMs: T0, op: set(`k${next}`, 'v'.repeat(valueBytes)) }));
    return { kind: 'bytes', bytes: encodeFrame({ kind: 'batch', timestampMs: T0, entries }, DEFAULT_LIMITS, format).bytes };
  });
}

describe.each(['json', BINARY_SHA256_FORMAT, BINARY_CRC32_FORMAT] as const)('a secondary against a primary that ignores its window, on a %s link', (format) => {
  it('holds no more than its window and one frame for a storage that lags, and refuses the primary with budget', () => {
    const chosen = format === 'json' ? {} : ({ wireFormat: format } as const);
    let refused = 0;
    fc.assert(
      fc.property(floodArb, (flood) => {
        const harness = new Harness(format, { lazyStorage: true, limits: SMALL_WINDOW });
        harness.run({ kind: 'bytes', bytes: bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0, ...chosen }) });
        harness.run({ kind: 'bytes', bytes: bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }) });
        for (const input of floodInputs(flood, format)) harness.run(input);
        refused += harness.secondary.getStats(T0).primary.windowsExceeded;
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(0);
  });
});
