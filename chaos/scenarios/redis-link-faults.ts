import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisNodeName } from '../cluster/cluster.js';
import { outageProblems, recordOutage, sequences, waitApplied } from './redis-outage.js';
import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';

const WRITES = 400;
/** Shorter than ioredis' retries (about 20 s) and the nodes' replication timeout (2 s): a stall, not a storage failure. */
const OUTAGE_MS = 1_500;
/** Long enough for several commands to be reset and sent again. */
const RESET_MS = 500;
const STALL_MS = 1_000;

/**
 * The link between `node` and its Redis, through a proxy: slow and sliced throughout, cut
 * (proxy disabled) for OUTAGE_MS, reset on every reply for RESET_MS, silent (timeout 0) for STALL_MS.
 */
export function redisLinkFaults(node: RedisNodeName): Scenario {
  const who = node === 'primary' ? "the primary's" : "secondary-1's";
  return {
    name: `redis-link-${node}`,
    faults: [
      `latency 3±2 ms downstream and slicer (128±64 B, 100 µs) upstream on ${who} Redis link throughout`,
      `${who} Redis link disabled for ${OUTAGE_MS} ms once it has applied 1/4 of the workload`,
      `reset_peer (timeout 0) downstream on it for ${RESET_MS} ms once it has applied 1/2: every reply cut, commands sent again`,
      `timeout 0 upstream on it for ${STALL_MS} ms at 3/4: commands dropped, then the connection closed`,
    ],
    writes: WRITES,
    maxOperationLog: LOG_HOLDING_WORKLOAD,
    redisNodes: [node],
    async inject(cluster, { timeline }, figures) {
      const link = cluster.redisLink(node);
      timeline.begin('latency and slicer on the Redis link');
      await link.addToxic({ name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 3, jitter: 2 } });
      await link.addToxic({ name: 'slicer', type: 'slicer', stream: 'upstream', toxicity: 1, attributes: { average_size: 128, size_variation: 64, delay: 100 } });
      cluster.primary.startWorkload();
      await waitApplied(cluster, node, WRITES / 4);
      const before = await sequences(cluster, node);
      const outageEnded = timeline.begin('Redis link disabled');
      await link.update({ enabled: false, listen: link.listen, upstream: link.upstream });
      await sleep(OUTAGE_MS);
      const after = await sequences(cluster, node);
      await link.update({ enabled: true, listen: link.listen, upstream: link.upstream });
      outageEnded();
      recordOutage(figures, node, WRITES, before, after);
      await waitApplied(cluster, node, WRITES / 2);
      const resetEnded = timeline.begin('reset_peer on the Redis link');
      const reset = await link.addToxic({ name: 'reset', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
      await sleep(RESET_MS);
      await reset.remove();
      resetEnded();
      await waitApplied(cluster, node, (3 * WRITES) / 4);
      const stallEnded = timeline.begin('timeout 0 on the Redis link');
      const stall = await link.addToxic({ name: 'stall', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
      await sleep(STALL_MS);
      await stall.remove();
      stallEnded();
      return () => Promise.resolve(outageProblems(figures, node));
    },
  };
}
