import { setTimeout as sleep } from 'node:timers/promises';
import type { Proxy } from 'toxiproxy-node-client';
import type { Cluster, RedisNodeName } from '../cluster/cluster.js';
import { LOG_HOLDING_WORKLOAD, type Figures, type Scenario } from './scenario.js';
import { waitAcked } from './waits.js';

const WRITES = 200;
/** How long each toxic stays, from a quarter of the workload; shorter than the nodes' replication timeout (2 s). */
const WINDOW_MS = 1_500;
/** Operations whose round trip was under way as the toxic came: at most one batch of the workload. */
const SLACK_OPERATIONS = 10;

/** A link of the cluster: secondary-1's to the primary, secondary-1's to its Redis, the primary's to its Redis. */
export type MatrixLink = 'secondary-1' | 'secondary-1-redis' | 'primary-redis';
type Direction = 'downstream' | 'upstream';
/** What the toxic must do to the data it acts on during its window; `none` where no effect shows in the nodes' /stats. */
type Effect = 'stalls' | 'flows' | 'reconnects' | 'none';

interface ToxicCase {
  readonly type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';
  readonly attributes: Record<string, number>;
  readonly effect: (link: MatrixLink, direction: Direction) => Effect;
}

/** Where the operations are that carry most bytes: the stream downstream, commands upstream to Redis. */
function carriesTheData(link: MatrixLink, direction: Direction): boolean {
  return link === 'secondary-1' ? direction === 'downstream' : direction === 'upstream';
}

const CASES: readonly ToxicCase[] = [
  // Longer than the window: nothing crosses while it lasts.
  { type: 'latency', attributes: { latency: 2 * WINDOW_MS, jitter: 0 }, effect: () => 'stalls' },
  // 1.5 KB in the window: less than one batch of writes, but cumulative ACKs and Redis' short replies still get through.
  { type: 'bandwidth', attributes: { rate: 1 }, effect: (link, direction) => (carriesTheData(link, direction) ? 'stalls' : 'none') },
  { type: 'slow_close', attributes: { delay: 2 * WINDOW_MS }, effect: () => 'flows' },
  { type: 'timeout', attributes: { timeout: 0 }, effect: () => 'stalls' },
  { type: 'reset_peer', attributes: { timeout: 0 }, effect: () => 'stalls' },
  { type: 'slicer', attributes: { average_size: 16, size_variation: 8, delay: 0 }, effect: () => 'flows' },
  // Each connection cut after 1 KB its way; ioredis' reconnections show in no statistic of the node.
  { type: 'limit_data', attributes: { bytes: 1_000 }, effect: (link) => (link === 'secondary-1' ? 'reconnects' : 'none') },
];

/** The scenarios of `--profile full`'s matrix: each toxic on each link in each direction, and each link disabled. */
export function toxicMatrix(): Scenario[] {
  const links: readonly MatrixLink[] = ['secondary-1', 'secondary-1-redis', 'primary-redis'];
  return links.flatMap((link) => [
    ...CASES.flatMap((toxic) => (['downstream', 'upstream'] as const).map((direction) => toxicScenario(link, toxic, direction))),
    disabledScenario(link),
  ]);
}

function toxicScenario(link: MatrixLink, toxic: ToxicCase, direction: Direction): Scenario {
  const effect = toxic.effect(link, direction);
  const label = `${toxic.type} ${JSON.stringify(toxic.attributes)} ${direction} on ${link}'s link`;
  return matrixScenario(`toxic-${toxic.type}-${direction}-${link}`, link, `${label} for ${WINDOW_MS} ms from 1/4 of the workload (effect checked: ${effect})`, effect, async (proxy) => {
    const added = await proxy.addToxic({ name: toxic.type, type: toxic.type, stream: direction, toxicity: 1, attributes: toxic.attributes });
    return async () => {
      await added.remove();
    };
  });
}

function disabledScenario(link: MatrixLink): Scenario {
  return matrixScenario(`toxic-disabled-${link}`, link, `${link}'s link disabled for ${WINDOW_MS} ms from 1/4 of the workload (effect checked: stalls)`, 'stalls', async (proxy) => {
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    return async () => {
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    };
  });
}

function matrixScenario(name: string, link: MatrixLink, fault: string, effect: Effect, apply: (proxy: Proxy) => Promise<() => Promise<void>>): Scenario {
  const redisNode: RedisNodeName | null = link === 'primary-redis' ? 'primary' : link === 'secondary-1-redis' ? 'secondary-1' : null;
  return {
    name,
    faults: [fault],
    writes: WRITES,
    maxOperationLog: LOG_HOLDING_WORKLOAD,
    ...(redisNode === null ? {} : { redisNodes: [redisNode] }),
    async inject(cluster, { timeline }, figures) {
      const proxy = redisNode === null ? cluster.secondary('secondary-1').link : cluster.redisLink(redisNode);
      cluster.primary.startWorkload();
      await waitAcked(cluster, WRITES / 4);
      const reconnectionsBefore = await reconnections(cluster);
      const ended = timeline.begin(fault);
      const remove = await apply(proxy);
      const before = await progress(cluster, name, link);
      await sleep(WINDOW_MS);
      const after = await progress(cluster, name, link);
      const reconnectionsAfter = await reconnections(cluster);
      await remove();
      ended();
      recordWindow(figures, before, after, reconnectionsAfter - reconnectionsBefore);
      return () => Promise.resolve(effectProblems(figures, effect));
    },
  };
}

/**
 * The side the toxic acts on: what it has applied (or, for ACKs, what the primary knows it
 * applied), and how far it could go: what the primary has applied, or for the primary the workload.
 */
interface Progress {
  readonly affected: number;
  readonly reachable: number;
}

async function progress(cluster: Cluster, scenario: string, link: MatrixLink): Promise<Progress> {
  const primary = await cluster.primary.primaryStats();
  if (link === 'primary-redis') return { affected: primary.appliedSequence, reachable: WRITES };
  const secondary = await cluster.secondary('secondary-1').node.secondaryStats();
  const acked = primary.replicas.find((replica) => replica.replicaId === `${scenario}-secondary-1`)?.appliedSequence ?? 0;
  // Upstream on the replication link carries the acknowledgements: the primary's view of secondary-1 is what stalls.
  return { affected: link === 'secondary-1' ? Math.min(secondary.sequenceNumber, acked) : secondary.sequenceNumber, reachable: primary.appliedSequence };
}

async function reconnections(cluster: Cluster): Promise<number> {
  return (await cluster.secondary('secondary-1').node.secondaryStats()).primary.reconnections;
}

const ADVANCE = 'operations the affected side advanced during the window';
const AVAILABLE = 'operations it could have advanced';
const RECONNECTIONS = 'secondary-1 reconnections during the window';

function recordWindow(figures: Figures, before: Progress, after: Progress, reconnectionCount: number): void {
  figures[ADVANCE] = after.affected - before.affected;
  figures[AVAILABLE] = after.reachable - before.affected;
  figures[RECONNECTIONS] = reconnectionCount;
}

function effectProblems(figures: Figures, effect: Effect): string[] {
  const advance = figures[ADVANCE] ?? 0;
  const available = figures[AVAILABLE] ?? 0;
  switch (effect) {
    case 'stalls':
      if (available <= SLACK_OPERATIONS) return [`only ${available} operations could cross during the window: the stall tested nothing`];
      return advance <= SLACK_OPERATIONS ? [] : [`${advance} of ${available} operations crossed a link that should have stalled`];
    case 'flows':
      return advance > SLACK_OPERATIONS ? [] : [`${advance} of ${available} operations crossed during the window: the toxic stopped what it should let through`];
    case 'reconnects':
      return (figures[RECONNECTIONS] ?? 0) > 0 ? [] : ['secondary-1 never reconnected: the limit cut no connection'];
    case 'none':
      return [];
  }
}
