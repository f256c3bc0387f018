import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/status-view.js';
import type { ReplicaStats } from '../../../src/core/primary/stats.js';
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

describe('nadb-repl status of the secondaries', () => {
  const replica = (replicaId: string, connected: boolean, wireFormat: ReplicaStats['wireFormat']): ReplicaStats => ({
    replicaId, address: '10.0.0.2:51000', connected, lastHeartbeat: 0, lagMs: 0, lagSeconds: 0, lagOperations: 0, lagBytes: 0, lastSequence: 7,
    receivedSequence: 7, appliedSequence: 7, durableSequence: 7, operationsSent: 7, bytesSent: 900, errors: 0, queueSize: 0, wireFormat,
  });

  it("names each connected one's data frame format, so that a link still on binary-1 shows a peer of the release before", () => {
    const lines = renderStatus(primaryStats({ replicas: [replica('r1', true, 'binary-2'), replica('r2', true, 'binary-1'), replica('r3', false, null)] }));
    expect(lines.slice(-3)).toEqual([
      '  r1 10.0.0.2:51000 connected, binary-2 frames: applied 7, lag 0 operations, 0 ms, 0 B behind',
      '  r2 10.0.0.2:51000 connected, binary-1 frames: applied 7, lag 0 operations, 0 ms, 0 B behind',
      '  r3 10.0.0.2:51000 disconnected: applied 7, lag 0 operations, 0 ms, 0 B behind',
    ]);
  });
});

describe('nadb-repl status while writes are paced', () => {
  it('shows the writes held for a secondary catching up beside those pending', () => {
    expect(renderStatus(primaryStats({ pendingWrites: 3, heldWrites: 250 }))[1]).toBe('sequence   written 7, applied 7, 3 writes pending, 250 held for a secondary catching up');
  });
});
