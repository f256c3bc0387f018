import { waitUntil } from '../../harness/waits.js';
import type { Cluster } from '../cluster/cluster.js';

/** The whole workload, faults included, must be written within this; so must a fault show its effect (a stall noticed, a link cut). */
export const WORKLOAD_TIMEOUT_MS = 120_000;

export function waitAcked(cluster: Cluster, count: number): Promise<void> {
  return waitUntil(() => {
    if (cluster.primary.acked.size >= count) return true;
    // Failed writes are not retried: a workload that ended short of `count` never gets there, so say why now.
    if (cluster.primary.done) throw new Error(`the workload ended with ${cluster.primary.acked.size} acknowledged writes, short of ${count}: ${cluster.primary.failed.slice(0, 3).join('; ')}`);
    return false;
  }, `${count} acknowledged writes`, WORKLOAD_TIMEOUT_MS);
}

export function waitWorkloadDone(cluster: Cluster): Promise<void> {
  return waitUntil(() => cluster.primary.done, 'the workload to finish', WORKLOAD_TIMEOUT_MS);
}
