import { waitUntil } from '../../test/runtime/support/nodes.js';
import type { Cluster } from '../cluster/cluster.js';

/** The whole workload, faults included, must be written within this; so must a fault show its effect (a stall noticed, a link cut). */
export const WORKLOAD_TIMEOUT_MS = 120_000;

export function waitAcked(cluster: Cluster, count: number): Promise<void> {
  return waitUntil(() => cluster.primary.acked.size >= count, `${count} acknowledged writes`, WORKLOAD_TIMEOUT_MS);
}

export function waitWorkloadDone(cluster: Cluster): Promise<void> {
  return waitUntil(() => cluster.primary.done, 'the workload to finish', WORKLOAD_TIMEOUT_MS);
}
