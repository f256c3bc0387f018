import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/status-view.js';
import type { PrimaryReplicationStats } from '../../../src/runtime/network-sync-backend.js';

function primaryStats(fields: Partial<PrimaryReplicationStats>): PrimaryReplicationStats {
  return {
    mode: 'primary', replicationId: 'b'.repeat(32), epoch: 0, deposedByEpoch: null, previousReplicationId: null, previousEndSequence: null,
    sequenceNumber: 7, appliedSequence: 7, operationLogSize: 7, operationLogBytes: 700, firstLogSequence: 1, lastLogSequence: 7,
    replicaCount: 0, replicas: [], fullResyncs: 0, partialResyncs: 0, expiredKeys: 0, pendingWrites: 0, heldWrites: 0,
    server: { host: '127.0.0.1', port: 9000, running: true, activeConnections: 0 },
    ...fields,
  };
}

describe('nadb-repl status after a failover', () => {
  it('says nothing of epochs on a node that never saw one', () => {
    expect(renderStatus(primaryStats({})).join('\n')).not.toMatch(/epoch|DEPOSED/);
  });

  it('shows a promoted primary\'s epoch and the history it continues', () => {
    expect(renderStatus(primaryStats({ epoch: 2, previousReplicationId: 'a'.repeat(32), previousEndSequence: 5 }))[1]).toBe(`epoch      2, continuing history ${'a'.repeat(32)} after sequence 5`);
  });

  it('puts a deposal second, in capitals: an operator must not miss it', () => {
    expect(renderStatus(primaryStats({ deposedByEpoch: 3 }))[1]).toMatch(/^DEPOSED {4}by epoch 3 \(this one is 0\): it takes no writes/);
  });
});

describe('nadb-repl status while writes are paced', () => {
  it('shows the writes held for a secondary catching up beside those pending', () => {
    expect(renderStatus(primaryStats({ pendingWrites: 3, heldWrites: 250 }))[1]).toBe('sequence   written 7, applied 7, 3 writes pending, 250 held for a secondary catching up');
  });
});
