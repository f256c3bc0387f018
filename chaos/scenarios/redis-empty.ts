import type { Cluster, RedisNodeName } from '../cluster/cluster.js';
import { waitUntil } from '../../harness/waits.js';
import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';
import { WORKLOAD_TIMEOUT_MS } from './waits.js';

const WRITES = 400;
/** What a refusal or a failed start must say: the reason RedisStorage gives for data it found gone. */
const LOST_REASON = /lost the data/;

async function appliedBy(cluster: Cluster, node: RedisNodeName): Promise<number> {
  if (node === 'primary') return (await cluster.primary.primaryStats()).appliedSequence;
  return (await cluster.secondary('secondary-1').node.secondaryStats()).sequenceNumber;
}

/**
 * `node`'s Redis comes back empty under it (the container removed and a new one started in its
 * place, as a Redis without persistence or volume comes back) once it has applied a quarter of the
 * workload. secondary-1 must notice, forget its position and resync in full (then the common checks);
 * the primary must refuse every later write saying why, and refuse to start again on that Redis.
 */
export function redisComesBackEmpty(node: RedisNodeName): Scenario {
  const who = node === 'primary' ? "the primary's" : "secondary-1's";
  return {
    name: `redis-empty-${node}`,
    faults: [`${who} Redis restarted empty (a new container, no files) once it has applied 1/4 of the workload`],
    writes: WRITES,
    maxOperationLog: LOG_HOLDING_WORKLOAD,
    redisNodes: [node],
    ...(node === 'primary' ? { ends: 'refusing writes' as const } : {}),
    async inject(cluster, { redis, timeline }, figures) {
      if (redis === null) throw new Error(`redis-empty-${node} needs a Redis to restart, and the lab has none`);
      const resyncsBefore = (await cluster.secondary('secondary-1').node.secondaryStats()).fullResyncs;
      cluster.primary.startWorkload();
      await waitUntil(async () => (await appliedBy(cluster, node)) >= WRITES / 4, `${node} to apply ${WRITES / 4} operations`, WORKLOAD_TIMEOUT_MS);
      const emptied = timeline.begin(`${who} Redis restarted empty`);
      await redis.restartEmpty();
      emptied();
      return node === 'primary' ? () => primaryRefuses(cluster, figures) : () => secondaryResynced(cluster, figures, resyncsBefore);
    },
  };
}

async function secondaryResynced(cluster: Cluster, figures: Record<string, number>, resyncsBefore: number): Promise<string[]> {
  const stats = await cluster.secondary('secondary-1').node.secondaryStats();
  figures['secondary-1 storage losses noticed'] = stats.primary.storageLosses;
  figures['secondary-1 full resyncs'] = stats.fullResyncs - resyncsBefore;
  return [
    ...(stats.primary.storageLosses > 0 ? [] : ['secondary-1 never noticed that its Redis came back empty']),
    ...(stats.fullResyncs > resyncsBefore ? [] : ['secondary-1 made no full resync after its Redis came back empty']),
  ];
}

async function primaryRefuses(cluster: Cluster, figures: Record<string, number>): Promise<string[]> {
  const { primary } = cluster;
  figures['writes acknowledged'] = primary.acked.size;
  figures['writes refused'] = primary.failed.length;
  const unexplained = primary.failed.filter((refusal) => !LOST_REASON.test(refusal));
  await primary.stop();
  const restart = await primary.start().then(() => 'started', (error: unknown) => String(error));
  return [
    ...(primary.failed.length > 0 ? [] : ['the primary refused no write after its Redis came back empty']),
    ...unexplained.slice(0, 3).map((refusal) => `a refusal that does not say the data was lost: ${refusal}`),
    ...(LOST_REASON.test(restart) ? [] : [`the primary restarted on the emptied Redis did not refuse to start for the loss: ${restart.slice(0, 300)}`]),
  ];
}
