/**
 * A direct test of the fuzzy snapshot's consistent sequence: it must be what was handed to storage
 * before the last scan page, not the first. Only the swarm property reaches a stale one by chance.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import type { Output } from '../../../../src/core/output.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, random, sentFrames, T0 } from '../../../support/machine.js';

const PAGES = 4;

describe('a snapshot taken while writes go on', () => {
  it('ends with the sequence handed to storage before its last scan page', () => {
    const primary = new Primary({ nowMs: T0, random: random(), limits: { snapshotChunkEntriesMax: 1 } });
    let handed = 0;
    let handedAtLastScan = -1;
    let scans = 0;
    const frames: Frame[] = [];
    /** Answers storage in order; each snapshot page is one entry, and a write arrives between pages. */
    const serve = (outputs: Output[]): void => {
      frames.push(...sentFrames(outputs));
      for (const output of outputs) {
        if (output.kind !== 'storage') continue;
        if (output.request.kind === 'apply') {
          handed += output.request.operations.length;
          primary.handleStorageDone(output.requestId, { kind: 'done', durable: true }, T0);
        } else if (output.request.kind === 'scan') {
          const loading = !primary.isReady;
          if (!loading) scans += 1;
          handedAtLastScan = handed;
          const done = loading || scans === PAGES;
          const entries = loading ? [] : [set(`page/${scans}`, 'v')];
          primary.handleStorageDone(output.requestId, { kind: 'scanned', entries, done }, T0);
          if (!done) primary.submitWrite(set(`during/${scans}`, 'w'), T0);
        }
        primary.invariants();
        serve(drain(primary));
      }
    };
    serve(drain(primary)); // the start-up scan: empty storage
    primary.submitWrite(set('before', '1'), T0);
    serve(drain(primary));
    primary.handleConnected(1, 'test:1', T0);
    primary.handleBytes(1, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'r1', auth: null }), T0);
    primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
    serve(drain(primary));

    const end = frames.find((frame) => frame.kind === 'snapshotEnd');
    expect(end).toBeDefined();
    // Writes landed between the pages, so the first page's sequence would be stale.
    expect(handedAtLastScan).toBeGreaterThan(1);
    expect(end?.kind === 'snapshotEnd' && end.consistentSequence).toBe(handedAtLastScan);
  });
});
