/**
 * A stranger, or a secondary that lies, on a primary's connection: any sequence of valid frames
 * of every kind (ACKs of any sequence included), valid frames with a flipped byte, bare length
 * prefixes of any size and junk, at any phase of the handshake, while writes go on. The primary
 * must never throw, and must keep every invariant after every input: its decoder holds no more
 * than part of one frame a secondary may send (length prefixes of any size, half-sent bodies of
 * about that size), and no connection is believed to hold a sequence
 * it was never sent. Nor may it let go of a connection without asking for it to be closed. With a
 * token, a peer that does not hold it gets nothing but a CHALLENGE and an ERROR, whatever it sends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/frame.js';
import { FRAME_HEADER_BYTES } from '../../src/core/limits.js';
import { DeposedError } from '../../src/core/errors.js';
import { Primary } from '../../src/core/primary/primary.js';
import { set } from '../support/ops.js';
import { secondaryProof } from '../../src/core/auth.js';
import { frameArb, frameArbs } from '../support/arbitraries.js';
import { flippedFrameArb, lengthPrefixArb } from '../support/hostile-bytes.js';
import { bytesOf, drain, random, sentFrames, T0 } from '../support/machine.js';

const RUNS = 300;
const CONNECTION = 1;

type Input =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'write' }
  | { readonly kind: 'tick'; readonly ms: number };

const ackArb: fc.Arbitrary<Frame> = fc.record({
  kind: fc.constant('ack' as const),
  timestampMs: fc.constant(T0),
  receivedSequence: fc.oneof(fc.nat(8), fc.constant(2 ** 50)),
  appliedSequence: fc.oneof(fc.nat(8), fc.constant(2 ** 50)),
  durableSequence: fc.nat(8),
  bytesReceived: fc.nat(4096),
});



/** A length about that of secondaryFrameBytesMax, then half of it: what a peer allowed more would have buffered. */
const announcedArb = fc.integer({ min: 60 * 1024, max: 256 * 1024 }).map((length) => {
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + Math.floor(length / 2));
  new DataView(bytes.buffer).setUint32(0, length, false);
  return bytes;
});

const TOKEN = 'the token';
const NONCE = 'c'.repeat(32);

/** A HELLO with a nonce and a random AUTH: what a peer that has no token can send past the CHALLENGE. */
const guessArb: fc.Arbitrary<Frame> = fc.oneof(
  frameArbs.auth,
  fc.constant<Frame>({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'liar', auth: null, nonce: NONCE }),
);

const inputArb: fc.Arbitrary<Input> = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(frameArb, ackArb, guessArb).map((frame) => ({ kind: 'bytes' as const, bytes: bytesOf(frame) })) },
  { weight: 1, arbitrary: flippedFrameArb.map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 1, arbitrary: fc.oneof(lengthPrefixArb, announcedArb).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'write' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((ms) => ({ kind: 'tick' as const, ms })) },
);

/** A primary whose every storage request completes at once, as a FIFO storage would. */
class Harness {
  readonly primary: Primary;
  nowMs = T0;
  private writes = 0;
  private open = false;
  replicationId = '';
  lastNonce = '';
  /** The kinds of every frame the primary sent this connection. */
  readonly sentKinds = new Set<Frame['kind']>();

  constructor(private readonly authToken: string | null = null) {
    this.primary = new Primary({ nowMs: T0, random: random(), authToken });
    this.settle();
    this.primary.handleConnected(CONNECTION, '10.0.0.66:4000', this.nowMs);
    this.open = true;
    this.settle();
  }

  run(input: Input): void {
    if (input.kind === 'bytes') this.primary.handleBytes(CONNECTION, input.bytes, this.nowMs);
    else if (input.kind === 'write') this.write();
    else {
      this.nowMs += input.ms;
      this.primary.handleTimeout(this.nowMs);
    }
    this.settle();
  }

  /**
   * Without a token every peer is trusted, so a HELLO of a newer epoch deposes the primary, which
   * then refuses writes with DeposedError (a refusal, not a crash); with a token no stranger can.
   */
  private write(): void {
    try {
      this.primary.submitWrite(set(`k${this.writes++ % 5}`, 'v'), this.nowMs);
    } catch (error) {
      if (!(error instanceof DeposedError) || this.authToken !== null) throw error;
    }
  }

  /** Drains the outputs, completing storage requests, checking the invariants after each input. */
  private settle(): void {
    for (let outputs = drain(this.primary); outputs.length > 0; outputs = drain(this.primary)) {
      if (outputs.some((output) => output.kind === 'close' && output.connectionId === CONNECTION)) this.open = false;
      for (const frame of sentFrames(outputs)) {
        this.sentKinds.add(frame.kind);
        if (frame.kind === 'welcome') this.replicationId = frame.replicationId;
        if (frame.kind === 'challenge') this.lastNonce = frame.nonce;
      }
      for (const output of outputs) {
        if (output.kind !== 'storage') continue;
        const result = output.request.kind === 'scan' ? { kind: 'scanned' as const, entries: [], done: true } : { kind: 'done' as const, durable: true };
        this.primary.handleStorageDone(output.requestId, result, this.nowMs);
        this.primary.invariants();
      }
    }
    this.primary.invariants();
    // A connection the primary lets go of is one it asked to close: else its socket would stay, uncounted.
    expect(this.primary.connectionCount, 'a connection forgotten without being closed').toBe(this.open ? 1 : 0);
  }
}

describe('a primary against a hostile peer', () => {
  it('keeps its invariants whatever a connection sends, at any phase, while writes go on', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.array(inputArb, { maxLength: 40 }), (handshake, withToken, inputs) => {
        const harness = new Harness(withToken ? TOKEN : null);
        // Half the runs first take the connection past its handshake, where the stream's frames count.
        if (handshake) {
          harness.run({ kind: 'bytes', bytes: bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'liar', auth: null, ...(withToken ? { nonce: NONCE } : {}) }) });
          if (withToken) {
            const proof = secondaryProof(TOKEN, { primaryNonce: harness.lastNonce, secondaryNonce: NONCE }, 'liar');
            harness.run({ kind: 'bytes', bytes: bytesOf({ kind: 'auth', timestampMs: T0, proof }) });
          }
          harness.run({ kind: 'write' });
          harness.run({ kind: 'bytes', bytes: bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: harness.replicationId, fromSequence: 1 }) });
        }
        for (const input of inputs) harness.run(input);
      }),
      { numRuns: RUNS },
    );
  });

  it('with a token, sends a peer that does not hold it nothing but a CHALLENGE and an ERROR', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { maxLength: 40 }), (inputs) => {
        const harness = new Harness(TOKEN);
        for (const input of inputs) harness.run(input);
        expect([...harness.sentKinds].filter((kind) => kind !== 'challenge' && kind !== 'error')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
