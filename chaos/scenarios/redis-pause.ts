import { setTimeout as sleep } from 'node:timers/promises';
import { FAST_TIMING } from '../../harness/fast-timing.js';
import type { RedisNodeName } from '../cluster/cluster.js';
import { outageProblems, recordOutage, sequences, waitApplied } from './redis-outage.js';
import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';

const WRITES = 400;
/** Longer than the nodes' replication timeout, so that any timer waiting on storage would fire. */
const PAUSE_MS = 2.5 * (FAST_TIMING.replicationTimeoutMs ?? 0);

/**
 * `node`'s Redis frozen (`docker pause`, or SIGSTOP for a process) for PAUSE_MS once it has applied
 * a quarter of the workload, then thawed: its connections stay open and no reply comes, which no
 * proxy toxic does to the server itself. The node must stall without crashing or giving up its
 * storage, then go on: the common checks find every acknowledged write and equal storages.
 */
export function redisPaused(node: RedisNodeName): Scenario {
  const who = node === 'primary' ? "the primary's" : "secondary-1's";
  return {
    name: `redis-pause-${node}`,
    faults: [`${who} Redis paused for ${PAUSE_MS} ms (${PAUSE_MS / (FAST_TIMING.replicationTimeoutMs ?? 1)}× the replication timeout) once it has applied 1/4 of the workload`],
    writes: WRITES,
    maxOperationLog: LOG_HOLDING_WORKLOAD,
    redisNodes: [node],
    async inject(cluster, { redis, timeline }, figures) {
      if (redis === null) throw new Error(`redis-pause-${node} needs a Redis to pause, and the lab has none`);
      cluster.primary.startWorkload();
      await waitApplied(cluster, node, WRITES / 4);
      const paused = timeline.begin(`${who} Redis paused`);
      await redis.pause();
      // Read once frozen: what the node applies from here on, beyond the request whose reply was already on its way, went through a frozen Redis.
      const before = await sequences(cluster, node);
      await sleep(PAUSE_MS);
      const after = await sequences(cluster, node);
      await redis.unpause();
      paused();
      recordOutage(figures, node, WRITES, before, after);
      return async () => {
        const storageFailures = node === 'primary' ? 0 : (await cluster.secondary('secondary-1').node.secondaryStats()).primary.storageFailures;
        figures[`${node} storage failures`] = storageFailures;
        return outageProblems(figures, node);
      };
    },
  };
}
