import { waitUntil } from '../../harness/waits.js';
import type { Cluster } from '../cluster/cluster.js';
import { LOG_HOLDING_WORKLOAD, type FaultTools, type Figures, type HealedCheck, type Scenario } from './scenario.js';
import { WORKLOAD_TIMEOUT_MS } from './waits.js';

const WRITES = 400;
/** Far longer than the replication timeout: secondary-1 must find out that the primary died by itself. */
const SLOW_CLOSE_MS = 20_000;

/**
 * The primary dies by SIGKILL mid-workload and comes back on the same storage (fs, or Redis with
 * appendonly and fsync always). Its operation log is persisted beside the data (fsync always:
 * docs/OPERATION-LOG.md), so it continues the same history and every secondary resumes from the
 * log without a full resync; what it acknowledged before the kill must still be on every node (the
 * runner checks every acknowledged write, and the restarted primary never writes those again).
 */
export function killPrimaryOn(storage: 'fs' | 'redis'): Scenario {
  return {
    name: storage === 'fs' ? 'kill-primary' : 'kill-primary-redis',
    faults: [
      `slow_close ${SLOW_CLOSE_MS} ms on secondary-1 downstream throughout, as a dead host's link that never says it closed`,
      `kill -9 of the primary (${storage} storage) past 1/2 of the workload, with writes waiting for its storage`,
      'restart of the primary on the same storage once secondary-1 has noticed, writing the rest of the workload',
    ],
    writes: WRITES,
    maxOperationLog: LOG_HOLDING_WORKLOAD,
    ...(storage === 'redis' ? { redisNodes: ['primary' as const] } : {}),
    inject,
  };
}

export const killPrimary = killPrimaryOn('fs');

async function inject(cluster: Cluster, { timeline }: FaultTools, figures: Figures): Promise<HealedCheck> {
  const { node: unwarned, link } = cluster.secondary('secondary-1');
  timeline.begin('slow_close on secondary-1 downstream');
  await link.addToxic({ name: 'slow_close', type: 'slow_close', stream: 'downstream', toxicity: 1, attributes: { delay: SLOW_CLOSE_MS } });
  const primary = cluster.primary;
  const historyBefore = (await primary.primaryStats()).replicationId;
  const fullResyncsBefore = await Promise.all(cluster.secondaries.map(async (node) => (await node.secondaryStats()).fullResyncs));
  const timedOutBefore = await unwarned.timedOutLinks();
  primary.startWorkload();
  // Past half the workload, at a moment /stats shows writes waiting for the primary's storage: it dies under load, not between two batches.
  await waitUntil(async () => primary.acked.size >= WRITES / 2 && (await primary.primaryStats()).pendingWrites > 0, 'the primary to have writes in flight past half the workload', WORKLOAD_TIMEOUT_MS);
  const down = timeline.begin('primary killed');
  await primary.kill9();
  figures['writes acknowledged before the kill'] = primary.acked.size;
  await waitUntil(async () => (await unwarned.timedOutLinks()) > timedOutBefore, 'secondary-1 to notice the dead primary on its own timer', WORKLOAD_TIMEOUT_MS);
  // Past the largest acknowledged index, the restarted primary writes none of the acknowledged writes again.
  await primary.start([String(Math.max(...primary.acked) + 1)]);
  down();
  primary.startWorkload();
  return async () => {
    const historyAfter = (await primary.primaryStats()).replicationId;
    const fullResyncsAfter = await Promise.all(cluster.secondaries.map(async (node) => (await node.secondaryStats()).fullResyncs));
    return [
      ...(historyAfter === historyBefore ? [] : [`the restarted primary began a new history (${historyAfter}) instead of continuing ${historyBefore} from its log`]),
      ...cluster.secondaries.flatMap((node, index) =>
        (fullResyncsAfter[index] ?? 0) === (fullResyncsBefore[index] ?? 0) ? [] : [`${node.name} made a full resync though the restarted primary continued its history`],
      ),
    ];
  };
}
