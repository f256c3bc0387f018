/**
 * The driver answers storage requests in the order they were issued, each with its kind of
 * result. A primary refuses any other answer loudly rather than act on the wrong request.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, random, T0 } from '../../../support/machine.js';
import { connect, ready } from '../../../support/primary.js';

const SCANNED = { kind: 'scanned', entries: [], done: true } as const;
const DONE = { kind: 'done', durable: true } as const;

describe('storage answers a primary refuses', () => {
  it('an answer with no request in flight, or to another request than the oldest', () => {
    const primary = ready();
    expect(() => primary.handleStorageDone(1, DONE, T0)).toThrow(AssertionError);
    primary.submitWrite(set('a', '1'), T0);
    const [apply] = ofKind(drain(primary), 'storage');
    expect(() => primary.handleStorageDone((apply?.requestId ?? 0) + 1, DONE, T0)).toThrow(/storage completed out of order/);
  });

  it('a scan result to an apply, and a plain done to a scan', () => {
    const primary = ready();
    primary.submitWrite(set('a', '1'), T0);
    const [apply] = ofKind(drain(primary), 'storage');
    expect(() => primary.handleStorageDone(apply?.requestId ?? 0, SCANNED, T0)).toThrow(/apply answered with a scan result/);

    const loading = new Primary({ nowMs: T0, random: random() });
    const [load] = ofKind(drain(loading), 'storage');
    expect(() => loading.handleStorageDone(load?.requestId ?? 0, DONE, T0)).toThrow(/load scan answered without entries/);

    const snapshotting = ready();
    connect(snapshotting, 1);
    snapshotting.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
    const [scan] = ofKind(drain(snapshotting), 'storage');
    expect(() => snapshotting.handleStorageDone(scan?.requestId ?? 0, DONE, T0)).toThrow(/snapshot scan answered without entries/);
  });
});
