/** What the primary knows of its secondaries' acknowledgements, and writes refused for want of them. */
import { describe, expect, it } from 'vitest';
import { NotEnoughReplicasError } from '../../../../src/core/errors.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, T0 } from '../../../support/machine.js';
import { connect, events, ready, sync, write } from '../../../support/primary.js';

function ack(primary: Primary, connectionId: number, applied: number, durable: number, nowMs = T0): ReturnType<typeof events> {
  primary.handleBytes(connectionId, bytesOf({ kind: 'ack', timestampMs: nowMs, receivedSequence: applied, appliedSequence: applied, durableSequence: durable, bytesReceived: 0 }), nowMs);
  return events(drain(primary));
}

describe('a primary counting acknowledgements', () => {
  it('counts the secondaries holding a sequence, applied or durable, and says so when one acknowledges more', () => {
    const primary = ready();
    for (const path of ['a', 'b', 'c']) write(primary, set(path, '1'));
    for (const id of [1, 2]) {
      connect(primary, id);
      sync(primary, id, primary.replicationId, 1);
    }
    expect(ack(primary, 1, 3, 2)).toEqual([{ kind: 'replicaAcked', replicaId: 'r1', appliedSequence: 3, durableSequence: 2 }]);
    expect(ack(primary, 1, 3, 2)).toEqual([]); // nothing new
    expect(ack(primary, 2, 2, 2)).toHaveLength(1);
    expect([primary.replicasHolding(2, true), primary.replicasHolding(3, true), primary.replicasHolding(3, false)]).toEqual([2, 0, 1]);
  });

  it('refuses writes while fewer secondaries than minReplicasToWrite stream and were heard from within the lag', () => {
    const primary = ready({ minReplicasToWrite: 1, minReplicasMaxLagMs: 1_000 });
    expect(() => primary.submitWrite(set('a', '1'), T0)).toThrow(NotEnoughReplicasError);
    connect(primary, 1);
    // Past its HELLO but not streaming yet: not healthy.
    expect(() => primary.submitWrite(set('a', '1'), T0)).toThrow(/0 secondaries streaming/);
    sync(primary, 1, primary.replicationId, 1);
    expect(primary.submitWrite(set('a', '1'), T0)).toBe(1);
    // Heard from last at T0: still healthy at the lag, not after it, and again once it speaks.
    expect(primary.submitWrite(set('b', '1'), T0 + 1_000)).toBe(2);
    expect(() => primary.submitWrite(set('c', '1'), T0 + 1_001)).toThrow(/heard from within 1000 ms, 1 wanted/);
    ack(primary, 1, 0, 0, T0 + 1_002);
    expect(primary.submitWrite(set('c', '1'), T0 + 1_002)).toBe(3);
  });
});
