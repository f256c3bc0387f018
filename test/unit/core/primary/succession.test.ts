import { describe, expect, it } from 'vitest';
import { promotionOf } from '../../../../src/core/failover/promotion.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { drain, ofKind, random, T0 } from '../../../support/machine.js';
import { complete, connect, sync, write } from '../../../support/primary.js';
import { set } from '../../../support/ops.js';
import { entry, HISTORY } from '../../../support/secondary.js';

/** The primary a secondary at (HISTORY, 5) becomes, holding operations 3..5 in its log. */
function promoted(): Primary {
  const primary = new Primary({ nowMs: T0, random: random(), ...promotionOf({ position: { replicationId: HISTORY, sequence: 5 }, entries: [entry(3), entry(4), entry(5)] }) });
  complete(primary, drain(primary));
  expect(primary.isReady).toBe(true);
  return primary;
}

describe('a promoted primary', () => {
  it('starts a history of its own at epoch 1, continuing the old one from where it ended', () => {
    const primary = promoted();
    expect(primary.replicationId).not.toBe(HISTORY);
    expect(primary.lastSequence).toBe(5);
    const [welcome] = connect(primary, 1);
    expect(welcome).toMatchObject({ kind: 'welcome', replicationId: primary.replicationId, lastSequence: 5, epoch: 1, previous: { replicationId: HISTORY, endSequence: 5 } });
    expect(primary.getStats(0)).toMatchObject({ epoch: 1, deposedByEpoch: null, previousReplicationId: HISTORY, previousEndSequence: 5 });
  });

  it('makes its epoch durable before anything else: its first storage request persists its new cursor', () => {
    const primary = new Primary({ nowMs: T0, random: random(), ...promotionOf({ position: { replicationId: HISTORY, sequence: 5 }, entries: [] }) });
    const [first, second] = ofKind(drain(primary), 'storage');
    expect(first?.request).toEqual({ kind: 'apply', operations: [], cursor: { replicationId: primary.replicationId, sequence: 5, epoch: 1 } });
    expect(second?.request.kind).toBe('scan');
  });

  it('lets a secondary of the old history that is not ahead of it continue, with the operations it lacks', () => {
    const primary = promoted();
    connect(primary, 1);
    const frames = sync(primary, 1, HISTORY, 4);
    expect(frames[0]).toMatchObject({ kind: 'syncResponse', mode: 'continue', replicationId: primary.replicationId, fromSequence: 4 });
    const sent = frames.slice(1).flatMap((frame) => (frame.kind === 'batch' ? frame.entries : frame.kind === 'operation' ? [frame] : []));
    expect(sent.map((held) => held.sequence)).toEqual([4, 5]);
  });

  it('lets one exactly at the end continue with nothing to catch up, then streams its own writes after it', () => {
    const primary = promoted();
    connect(primary, 1);
    expect(sync(primary, 1, HISTORY, 6)[0]).toMatchObject({ mode: 'continue', fromSequence: 6 });
    const frames = ofKind(write(primary, set('new', 'x')), 'transmit');
    expect(frames.length).toBeGreaterThan(0);
    expect(primary.lastSequence).toBe(6);
  });

  it('sends a full resync to a secondary one sequence ahead of where the old history ended: it holds a write the new one never had', () => {
    const primary = promoted();
    connect(primary, 1);
    expect(sync(primary, 1, HISTORY, 7)[0]).toMatchObject({ kind: 'syncResponse', mode: 'full_resync' });
  });

  it('sends a full resync to one behind what its log holds', () => {
    const primary = promoted();
    connect(primary, 1);
    expect(sync(primary, 1, HISTORY, 2)[0]).toMatchObject({ mode: 'full_resync' });
  });

  it('persists its position and epoch with every write, so its storage never claims a prefix it does not hold', () => {
    const primary = promoted();
    const [apply] = ofKind(write(primary, set('new', 'x')), 'storage');
    expect(apply?.request).toMatchObject({ kind: 'apply', cursor: { replicationId: primary.replicationId, sequence: 6, epoch: 1 } });
  });
});

describe('a primary above epoch 0', () => {
  it('persists its epoch before anything else even when it continues no history: a secondary promoted before its first sync', () => {
    const primary = new Primary({ nowMs: T0, random: random(), ...promotionOf({ position: null, entries: [] }) });
    const [first] = ofKind(drain(primary), 'storage');
    expect(first?.request).toEqual({ kind: 'apply', operations: [], cursor: { replicationId: primary.replicationId, sequence: 0, epoch: 1 } });
  });

  it('at epoch 0 asks storage for nothing but its start-up scan', () => {
    const [first, ...rest] = ofKind(drain(new Primary({ nowMs: T0, random: random() })), 'storage');
    expect(first?.request.kind).toBe('scan');
    expect(rest).toEqual([]);
  });
});
