import type { ReplicaStats } from '../core/primary/stats.js';
import type { PrimaryReplicationStats, ReplicationStats, SecondaryReplicationStats } from '../runtime/network-sync-backend.js';

/** `nadb-repl status`: a node's /stats as a few lines a person reads at a glance. */
export function renderStatus(stats: ReplicationStats): string[] {
  return stats.mode === 'primary' ? renderPrimary(stats) : renderSecondary(stats);
}

function renderPrimary(stats: PrimaryReplicationStats): string[] {
  const replicas = stats.replicas;
  return [
    `primary    listening on ${stats.server.host}:${stats.server.port}, history ${stats.replicationId}`,
    ...lineage(stats),
    `sequence   written ${stats.sequenceNumber}, applied ${stats.appliedSequence}, ${stats.pendingWrites} writes pending, ${stats.heldWrites} held for a secondary catching up`,
    `log        ${stats.operationLogSize} operations (${bytes(stats.operationLogBytes)}), sequences ${stats.firstLogSequence}-${stats.lastLogSequence}`,
    `resyncs    ${stats.fullResyncs} full, ${stats.partialResyncs} partial`,
    `secondaries ${replicas.filter((replica) => replica.connected).length} connected of ${replicas.length} known${replicas.length === 0 ? '' : ':'}`,
    ...replicas.map(renderReplica),
  ];
}

function renderReplica(replica: ReplicaStats): string {
  const lag = `lag ${replica.lagOperations} operations, ${replica.lagMs} ms, ${bytes(replica.lagBytes)} behind`;
  const link = replica.connected ? `connected, ${replica.wireFormat ?? 'json'} frames` : 'disconnected';
  return `  ${replica.replicaId} ${replica.address} ${link}: applied ${replica.appliedSequence}, ${lag}`;
}

function renderSecondary(stats: SecondaryReplicationStats): string[] {
  const primary = stats.primary;
  const link = primary.connected ? `connected (${primary.phase}, ${primary.wireFormat ?? 'json'} frames)` : `not connected (${primary.phase}), ${primary.reconnections} reconnections`;
  const behind = primary.lagOperations === 0 ? 'caught up' : `${primary.lagOperations} operations behind for ${primary.behindForMs} ms`;
  return [
    `secondary  ${stats.replicaId}, primary ${primary.host}:${primary.port} ${link}`,
    `history    ${stats.replicationId ?? '(none yet: no sync so far)'}${stats.epoch > 0 ? `, epoch ${stats.epoch}` : ''}`,
    `sequence   applied ${primary.lastAppliedSequence} of ${primary.knownPrimarySequence} known on the primary: ${behind}`,
    `resyncs    ${stats.fullResyncs} full, ${stats.partialResyncs} partial; ${primary.gapsDetected} gaps, ${primary.storageFailures} storage failures`,
  ];
}

/** Only after a failover: the epoch, the history it continues, and a deposal, which an operator must not miss. */
function lineage(stats: PrimaryReplicationStats): string[] {
  const lines: string[] = [];
  if (stats.deposedByEpoch !== null) lines.push(`DEPOSED    by epoch ${stats.deposedByEpoch} (this one is ${stats.epoch}): it takes no writes; rejoin it as a secondary of the new primary`);
  else if (stats.epoch > 0) lines.push(`epoch      ${stats.epoch}${stats.previousReplicationId === null ? '' : `, continuing history ${stats.previousReplicationId} after sequence ${stats.previousEndSequence}`}`);
  return lines;
}

function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / (1024 * 1024)).toFixed(1)} MiB`;
}
