/**
 * A primary whose storage fails stops: it takes no more writes, issues nothing more to storage,
 * tells every secondary why, turns away those that connect later, and does not wake for expiries
 * it can no longer write.
 */
import { describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, sentFrames, T0 } from '../../../support/machine.js';
import { closeCodes, connect, events, ready, sync } from '../../../support/primary.js';

describe('a primary whose storage fails', () => {
  it('refuses writes, closes its links with the storage code and stops waking for expiries', () => {
    const primary = ready();
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    primary.submitWrite(set('a', '1', { expiresAtMs: T0 + 1_000 }), T0);
    const [apply] = ofKind(drain(primary), 'storage');
    primary.handleStorageDone(apply?.requestId ?? 0, { kind: 'failed', message: 'disk full' }, T0);
    const outputs = drain(primary);
    expect(events(outputs)).toContainEqual({ kind: 'storageFailed', message: 'disk full' });
    expect(closeCodes(outputs)).toEqual(['1:storage']);
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', code: 'storage', message: 'primary storage failed: disk full' }]);
    expect(() => primary.submitWrite(set('b', '2'), T0)).toThrow(StorageFailedError);
    // The refusal says why, long after the failure's own event.
    expect(() => primary.submitWrite(set('b', '2'), T0)).toThrow(/storage failed \(disk full\)/);
    expect(primary.nextWakeMs()).toBeUndefined();
  });

  it('closes a connection made after the failure: a full resync would claim the write its storage misses', () => {
    const primary = ready();
    primary.submitWrite(set('a', '1'), T0);
    const [apply] = ofKind(drain(primary), 'storage');
    primary.handleStorageDone(apply?.requestId ?? 0, { kind: 'failed', message: 'disk full' }, T0);
    drain(primary);
    primary.handleConnected(2, 'test:2', T0);
    const outputs = drain(primary);
    expect(closeCodes(outputs)).toEqual(['2:storage']);
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', code: 'storage', message: 'primary storage failed (disk full); restart the primary' }]);
  });

  it('issues no pending write after a failure, even when an earlier apply then succeeds', () => {
    const primary = ready();
    connect(primary, 1);
    // A full resync puts a snapshot scan in flight ahead of the first apply.
    primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
    const [scan] = ofKind(drain(primary), 'storage');
    expect(scan?.request.kind).toBe('scan');
    primary.submitWrite(set('a', '1'), T0);
    const [apply] = ofKind(drain(primary), 'storage');
    expect(apply?.request.kind).toBe('apply');
    primary.submitWrite(set('b', '2'), T0); // waits for the first apply
    primary.handleStorageDone(scan?.requestId ?? 0, { kind: 'failed', message: 'io error' }, T0);
    primary.handleStorageDone(apply?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    expect(ofKind(drain(primary), 'storage')).toEqual([]);
  });
});
