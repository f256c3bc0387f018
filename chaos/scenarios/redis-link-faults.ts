import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, RedisNodeName } from '../cluster/cluster.js';
import { waitUntil } from '../../harness/waits.js';
import { LOG_HOLDING_WORKLOAD, type Figures, type Scenario } from './scenario.js';
import { WORKLOAD_TIMEOUT_MS } from './waits.js';

const WRITES = 400;
/** Shorter than ioredis' retries (about 20 s) and the nodes' replication timeout (2 s): a stall, not a storage failure. */
const OUTAGE_MS = 1_500;
/** Long enough for several commands to be reset and sent again. */
const RESET_MS = 500;
const STALL_MS = 1_000;

/** The applied sequences of the primary and of `node` (its own, when it is the primary). */
async function sequences(cluster: Cluster, node: RedisNodeName): Promise<{ primary: number; node: number }> {
  const primary = (await cluster.primary.primaryStats()).appliedSequence;
  if (node === 'primary') return { primary, node: primary };
  return { primary, node: (await cluster.secondary('secondary-1').node.secondaryStats()).sequenceNumber };
}

/** Waits until `node` has applied `count` operations: each fault hits while it writes to its Redis (a secondary catching up, too). */
async function waitApplied(cluster: Cluster, node: RedisNodeName, count: number): Promise<void> {
  await waitUntil(async () => (await sequences(cluster, node)).node >= count, `${node} to apply ${count} operations`, WORKLOAD_TIMEOUT_MS);
}

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
      recordOutage(figures, node, before, after);
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

const ADVANCE_FIGURE = 'operations applied during the outage';
const PENDING_FIGURE = 'operations it had to apply when the outage began';

/** What `node` applied during the outage, and what it had left to apply when it began (the rest of the workload, or its lag). */
function recordOutage(figures: Figures, node: RedisNodeName, before: { primary: number; node: number }, after: { primary: number; node: number }): void {
  figures[`${node} ${ADVANCE_FIGURE}`] = after.node - before.node;
  figures[`${node} ${PENDING_FIGURE}`] = node === 'primary' ? WRITES - before.node : before.primary - before.node;
}

/** Without its storage a node must stop applying, though it had operations to apply (or the outage tested nothing). */
function outageProblems(figures: Figures, node: RedisNodeName): string[] {
  const advance = figures[`${node} ${ADVANCE_FIGURE}`] ?? 0;
  const pending = figures[`${node} ${PENDING_FIGURE}`] ?? 0;
  return [
    ...(pending > OUTAGE_SLACK_OPERATIONS ? [] : [`${node} had only ${pending} operations to apply when its Redis link went down: the outage tested nothing`]),
    ...(advance <= OUTAGE_SLACK_OPERATIONS ? [] : [`${node} applied ${advance} operations while its Redis was unreachable`]),
  ];
}

/** Writes whose storage round trip finished as the link went down: at most one batch of the workload. */
const OUTAGE_SLACK_OPERATIONS = 10;
