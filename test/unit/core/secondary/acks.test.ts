/**
 * What a secondary acknowledges: applied and durable only as storage reports them (and only in
 * the history being applied), receipt with them rather than alone, and every byte it received once it is done with
 * it, duplicates and snapshot frames included, for that is what frees the primary's budget.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import type { Output } from '../../../../src/core/output.js';
import type { Secondary } from '../../../../src/core/secondary/secondary.js';
import { drain, sentFrames, T0 } from '../../../support/machine.js';
import { set } from '../../../support/ops.js';
import { entryFrame, receive, snapshotFrames, snapshotting, streaming } from '../../../support/secondary.js';

function lastAck(outputs: readonly Output[]): Extract<Frame, { kind: 'ack' }> | undefined {
  return sentFrames(outputs)
    .filter((frame): frame is Extract<Frame, { kind: 'ack' }> => frame.kind === 'ack')
    .at(-1);
}

/** Completes every storage request, in order, as storage would; returns the outputs. */
function completeAll(secondary: Secondary, outputs: Output[], durable = true): Output[] {
  const all = [...outputs];
  for (let i = 0; i < all.length; i += 1) {
    const output = all[i];
    if (output?.kind !== 'storage') continue;
    secondary.handleStorageDone(output.requestId, { kind: 'done', durable }, T0);
    secondary.invariants();
    all.push(...drain(secondary));
  }
  return all;
}

describe("a secondary's acknowledgements", () => {
  it('acknowledge applied only once storage is done, and receipt with it, not in an ACK of its own', () => {
    const secondary = streaming();
    const received = receive(secondary, entryFrame(1));
    expect(lastAck(received)).toBeUndefined();
    expect(lastAck(completeAll(secondary, received))).toMatchObject({ receivedSequence: 1, appliedSequence: 1, durableSequence: 1 });
  });

  it('report what waits behind storage work as received, with the ACK of the work in flight', () => {
    const secondary = streaming();
    const first = receive(secondary, entryFrame(1));
    const second = receive(secondary, entryFrame(2));
    expect(lastAck(second)).toBeUndefined();
    const request = first.find((output) => output.kind === 'storage');
    secondary.handleStorageDone(request?.kind === 'storage' ? request.requestId : -1, { kind: 'done', durable: true }, T0);
    expect(lastAck(drain(secondary))).toMatchObject({ receivedSequence: 2, appliedSequence: 1 });
  });

  it('report nothing durable that storage did not say was', () => {
    const secondary = streaming();
    expect(lastAck(completeAll(secondary, receive(secondary, entryFrame(1)), false))).toMatchObject({ appliedSequence: 1, durableSequence: 0 });
  });

  it('cover every byte received once storage is done, duplicates included', () => {
    const secondary = streaming();
    completeAll(secondary, receive(secondary, entryFrame(1)));
    const outputs = receive(secondary, entryFrame(1));
    expect(secondary.getStats(T0).primary.duplicatesIgnored).toBe(1);
    expect(lastAck(outputs)?.bytesReceived).toBe(secondary.getStats(T0).primary.bytesReceived);
  });

  it('go on during a snapshot, covering its frames, with nothing applied yet in the new history', () => {
    const { secondary, outputs } = snapshotting(4, { cursor: { replicationId: 'o'.repeat(32), sequence: 9 } });
    completeAll(secondary, outputs);
    const [chunk, end] = snapshotFrames([[set('a', '1')]], 4);
    const staged = completeAll(secondary, receive(secondary, chunk as Frame));
    expect(secondary.getStats(T0).primary.phase).toBe('snapshot');
    expect(lastAck(staged)).toMatchObject({ appliedSequence: 0, durableSequence: 0 });
    receive(secondary, end as Frame);
    const replayed = completeAll(secondary, receive(secondary, entryFrame(4)));
    expect(lastAck(replayed)).toMatchObject({ receivedSequence: 4, appliedSequence: 4, bytesReceived: secondary.getStats(T0).primary.bytesReceived });
  });
});
