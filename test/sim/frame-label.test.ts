import { describe, expect, it } from 'vitest';
import { BINARY_SHA256_FORMAT, encodeFrame } from '../../src/core/codec/index.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { describeFrames, frameHeads } from '../../sim/frame-label.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

const batch: Frame = {
  kind: 'batch',
  timestampMs: 1_700_000_000_000,
  entries: [5, 6, 7].map((sequence) => ({ sequence, timestampMs: 1_700_000_000_000, op: set(`k${sequence}`, 'v') })),
};
const ack: Frame = { kind: 'ack', timestampMs: 1_700_000_000_000, receivedSequence: 7, appliedSequence: 6, durableSequence: 5, bytesReceived: 900 };
const bytesOf = (frame: Frame, wireFormat: 'json' | typeof BINARY_SHA256_FORMAT = 'json'): Uint8Array => encodeFrame(frame, DEFAULT_LIMITS, wireFormat).bytes;

describe('describeFrames', () => {
  it('names a frame by its wire type and says what its numbers are, in JSON and in binary', () => {
    expect(describeFrames(bytesOf(batch), DEFAULT_LIMITS)).toBe('BATCH ×3: operations 5 to 7');
    expect(describeFrames(bytesOf(batch, BINARY_SHA256_FORMAT), DEFAULT_LIMITS)).toBe('BATCH ×3: operations 5 to 7');
    expect(describeFrames(bytesOf(ack), DEFAULT_LIMITS)).toBe('ACK 6: applied 6, durable 5, received 7, 900 bytes in');
  });

  it('describes each frame of a transmit, and what is left of a partial one', () => {
    const both = new Uint8Array([...bytesOf(batch), ...bytesOf(ack)]);
    const description = describeFrames(both, DEFAULT_LIMITS);
    expect(frameHeads(description)).toBe('BATCH ×3 + ACK 6');
    expect(describeFrames(both.subarray(0, both.length - 3), DEFAULT_LIMITS)).toMatch(/^BATCH ×3: operations 5 to 7; PART: \d+ bytes of a frame$/);
  });

  it('says so when bytes do not decode, without throwing', () => {
    const damaged = bytesOf(ack).slice();
    damaged[10] = 0x7b;
    expect(describeFrames(damaged, DEFAULT_LIMITS)).toMatch(/^UNDECODABLE: /);
  });
});

describe('frame descriptions in the trace', () => {
  function run(traceEventsMax: number): Simulation {
    const sim = new Simulation({ seed: 3, secondaries: 1, traceEventsMax });
    for (let i = 0; i < 10; i += 1) sim.write(set(`k${i}`, 'v'));
    expect(sim.runUntil(() => sim.converged(), 10_000)).toBe(true);
    return sim;
  }

  it('rides on every delivered segment when events are kept, and leaves the hash as it was', () => {
    const kept = run(100_000);
    const deliveries = kept.trace.events.filter((event) => event.kind === 'deliver');
    expect(deliveries.length).toBeGreaterThan(5);
    for (const event of deliveries) expect(event.frames).toMatch(/^[A-Z_]+/);
    expect(kept.trace.hash()).toBe(run(0).trace.hash());
  });
});
