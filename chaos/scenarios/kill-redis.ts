import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from '../cluster/cluster.js';
import type { RedisHandle } from '../cluster/redis.js';
import { outageProblems, recordOutage, sequences, waitApplied } from './redis-outage.js';
import { LOG_HOLDING_WORKLOAD, type Figures, type HealedCheck, type Scenario } from './scenario.js';
import { waitAcked } from './waits.js';

const WRITES = 400;
/** Operations behind the primary that count as "far behind": secondary-1 must be when its Redis comes back. */
const BEHIND_OPERATIONS = WRITES / 4;
/** How long the primary's Redis stays dead: its writes stall meanwhile, so the workload cannot mark the restart. */
const PRIMARY_DOWN_MS = 2_000;

/**
 * The Redis (appendonly, fsync always) of secondary-1 or of the primary dies by SIGKILL mid-workload
 * and restarts on its files: the node stalls meanwhile and must then go on from what Redis
 * persisted (the runner compares the storages path by path). The same kill with persistence off
 * is redis-empty-*.
 */
export function killRedis(node: 'secondary-1' | 'primary'): Scenario {
  const who = node === 'primary' ? "the primary's" : "secondary-1's";
  const name = node === 'primary' ? 'kill-redis-primary' : 'kill-redis';
  return {
    name,
    faults:
      node === 'primary'
        ? [`kill -9 of ${who} redis-server (appendonly, fsync always) once it has applied 1/4 of the workload`, `its restart on the same files ${PRIMARY_DOWN_MS} ms later`]
        : [`kill -9 of ${who} redis-server (appendonly, fsync always) at 1/4 of the workload`, 'its restart on the same files at 3/4'],
    writes: WRITES,
    maxOperationLog: LOG_HOLDING_WORKLOAD,
    redisNodes: [node],
    async inject(cluster, { redis, timeline }, figures) {
      if (redis === null) throw new Error(`${name} needs a Redis to kill, and the lab has none`);
      cluster.primary.startWorkload();
      const restarted = node === 'primary' ? killPrimaryRedis(cluster, redis, figures) : killSecondaryRedis(cluster, redis, figures);
      const down = timeline.begin(`${who} Redis killed`);
      const check = await restarted;
      down();
      return check;
    },
  };
}

/** secondary-1 must fall far behind while its Redis is dead: it stalled, it did not go on without storage. */
async function killSecondaryRedis(cluster: Cluster, redis: RedisHandle, figures: Figures): Promise<HealedCheck> {
  const { node: secondary } = cluster.secondary('secondary-1');
  await waitAcked(cluster, WRITES / 4);
  await redis.kill();
  await waitAcked(cluster, (3 * WRITES) / 4);
  const [primary, stalled] = await Promise.all([cluster.primary.primaryStats(), secondary.secondaryStats()]);
  const lagAtRestart = primary.appliedSequence - stalled.sequenceNumber;
  figures['secondary-1 lag when its Redis restarted (operations)'] = lagAtRestart;
  await redis.restart();
  return async () => {
    figures['secondary-1 storage failures'] = (await secondary.secondaryStats()).primary.storageFailures;
    return lagAtRestart > BEHIND_OPERATIONS ? [] : [`secondary-1 was only ${lagAtRestart} operations behind when its Redis restarted: it went on without it`];
  };
}

/** The primary must apply (so acknowledge) nothing while its Redis is dead. */
async function killPrimaryRedis(cluster: Cluster, redis: RedisHandle, figures: Figures): Promise<HealedCheck> {
  await waitApplied(cluster, 'primary', WRITES / 4);
  const before = await sequences(cluster, 'primary');
  await redis.kill();
  await sleep(PRIMARY_DOWN_MS);
  recordOutage(figures, 'primary', WRITES, before, await sequences(cluster, 'primary'));
  await redis.restart();
  return () => Promise.resolve(outageProblems(figures, 'primary'));
}
