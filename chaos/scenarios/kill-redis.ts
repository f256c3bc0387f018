import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';
import { waitAcked } from './waits.js';

const WRITES = 400;
/** Operations behind the primary that count as "far behind": secondary-1 must be when its Redis comes back. */
const BEHIND_OPERATIONS = WRITES / 4;

/**
 * secondary-1's redis-server (appendonly, fsync always) dies by SIGKILL mid-workload and restarts
 * on its files half a workload later: secondary-1 stalls meanwhile and must then go on from what
 * Redis persisted (the runner compares its storage with the primary's, path by path).
 */
export const killRedis: Scenario = {
  name: 'kill-redis',
  faults: ["kill -9 of secondary-1's redis-server (appendonly, fsync always) at 1/4 of the workload", 'its restart on the same files at 3/4'],
  writes: WRITES,
  maxOperationLog: LOG_HOLDING_WORKLOAD,
  redisNodes: ['secondary-1'],
  async inject(cluster, { redis, timeline }, figures) {
    if (redis === null) throw new Error('kill-redis needs a Redis to kill, and the lab has none');
    const { node: secondary } = cluster.secondary('secondary-1');
    cluster.primary.startWorkload();
    await waitAcked(cluster, WRITES / 4);
    const down = timeline.begin("secondary-1's Redis killed");
    await redis.kill();
    await waitAcked(cluster, (3 * WRITES) / 4);
    const [primary, stalled] = await Promise.all([cluster.primary.primaryStats(), secondary.secondaryStats()]);
    const lagAtRestart = primary.appliedSequence - stalled.sequenceNumber;
    figures['secondary-1 lag when its Redis restarted (operations)'] = lagAtRestart;
    await redis.restart();
    down();
    return async () => {
      figures['secondary-1 storage failures'] = (await secondary.secondaryStats()).primary.storageFailures;
      return lagAtRestart > BEHIND_OPERATIONS ? [] : [`secondary-1 was only ${lagAtRestart} operations behind when its Redis restarted: it went on without it`];
    };
  },
};
