import { Counter, Gauge, Registry } from 'prom-client';
import type { ReplicationEvent } from '../core/output.js';
import type { PrimaryStats, ReplicaStats } from '../core/primary/stats.js';
import type { SecondaryStats } from '../core/secondary/stats.js';
import type { DriverObserver } from './node-driver.js';

/** A primary's statistics with the runtime's writes held back for pacing, or a secondary's. */
export type NodeStats = (PrimaryStats & { readonly heldWrites: number }) | SecondaryStats;

const PREFIX = 'nadb_replication_';

/**
 * A node's Prometheus metrics, in its own registry (several nodes may share a process). Gauges
 * are read from the core's statistics at scrape time; counters count what the driver sees.
 */
export class NodeMetrics implements DriverObserver {
  readonly registry = new Registry();
  private readonly sent = this.counter('bytes_sent_total', 'Bytes written to replication sockets.');
  private readonly received = this.counter('bytes_received_total', 'Bytes read from replication sockets.');
  private readonly reconnections = this.counter('reconnections_total', 'Reconnections the secondary scheduled after losing or failing a link.');
  private readonly fullResyncs = this.counter('full_resyncs_total', 'Links that started with a full resync (snapshot).');
  private readonly partialResyncs = this.counter('partial_resyncs_total', 'Links that resumed from the operation log.');
  private readonly closed = new Counter({ name: `${PREFIX}connections_closed_total`, help: 'Closed replication links, by error code.', labelNames: ['code'], registers: [this.registry] });

  constructor(private readonly stats: () => NodeStats) {
    this.gauge('applied_sequence', 'The last sequence applied by this node\'s storage.', (stats) => (stats.mode === 'primary' ? stats.appliedSequence : stats.sequenceNumber));
    this.gauge('connected_peers', 'Connected replicas (primary), or 1 while connected to the primary (secondary).', (stats) =>
      stats.mode === 'primary' ? stats.replicaCount : Number(stats.primary.connected),
    );
    this.gauge('held_writes', 'Primary: writes held back while a secondary that keeps up needs the log\'s whole backlog (0 on a secondary).', (stats) =>
      stats.mode === 'primary' ? stats.heldWrites : 0,
    );
    this.gauge('operation_log_size', 'Operations held in the log (a secondary\'s: those it applied, served once promoted).', (stats) => stats.operationLogSize);
    this.gauge('behind_operations', 'Secondary: operations behind the last sequence it knows the primary has (0 on a primary).', (stats) =>
      stats.mode === 'primary' ? 0 : stats.primary.lagOperations,
    );
    this.gauge('behind_seconds', 'Secondary: how long it has been behind the primary (0 when caught up, and on a primary).', (stats) =>
      stats.mode === 'primary' ? 0 : stats.primary.behindForMs / 1_000,
    );
    this.replicaGauge('lag_operations', 'Operations the replica has not applied yet.', (replica) => replica.lagOperations);
    this.replicaGauge('lag_bytes', 'Encoded bytes of the operations the replica has not applied yet.', (replica) => replica.lagBytes);
    this.replicaGauge('lag_seconds', 'Age of the oldest operation the replica has not applied yet.', (replica) => replica.lagSeconds);
    this.replicaGauge('replica_connected', '1 while the replica is connected.', (replica) => Number(replica.connected));
    this.wireFormatGauge();
  }

  bytesSent(count: number): void {
    this.sent.inc(count);
  }

  bytesReceived(count: number): void {
    this.received.inc(count);
  }

  event(event: ReplicationEvent): void {
    if (event.kind === 'resync') (event.mode === 'full_resync' ? this.fullResyncs : this.partialResyncs).inc();
    else if (event.kind === 'reconnectScheduled') this.reconnections.inc();
    else if (event.kind === 'connectionClosed') this.closed.inc({ code: event.code });
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name: `${PREFIX}${name}`, help, registers: [this.registry] });
  }

  private gauge(name: string, help: string, read: (stats: NodeStats) => number): void {
    const stats = this.stats;
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      registers: [this.registry],
      collect() {
        this.set(read(stats()));
      },
    });
  }

  /**
   * 1 for each connected link, labelled with its data frame format: during a rolling upgrade, a
   * series with format="binary-1" names a link with a peer of the release before binary-2.
   */
  private wireFormatGauge(): void {
    const stats = this.stats;
    new Gauge({
      name: `${PREFIX}link_wire_format`,
      help: 'Primary: 1 per connected replica, by its data frame format; secondary: 1 while connected, by the format of its link.',
      labelNames: ['replica_id', 'format'],
      registers: [this.registry],
      collect() {
        this.reset();
        const current = stats();
        if (current.mode === 'secondary') {
          if (current.primary.wireFormat !== null) this.set({ replica_id: current.replicaId, format: current.primary.wireFormat }, 1);
          return;
        }
        for (const replica of current.replicas) if (replica.wireFormat !== null) this.set({ replica_id: replica.replicaId, format: replica.wireFormat }, 1);
      },
    });
  }

  /** One series per replica the primary tracks (bounded by replicasMax). */
  private replicaGauge(name: string, help: string, read: (replica: ReplicaStats) => number): void {
    const stats = this.stats;
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      labelNames: ['replica_id'],
      registers: [this.registry],
      collect() {
        this.reset();
        const current = stats();
        if (current.mode !== 'primary') return;
        for (const replica of current.replicas) this.set({ replica_id: replica.replicaId }, read(replica));
      },
    });
  }
}
