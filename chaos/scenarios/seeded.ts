/**
 * A schedule drawn from a seed: the workload's size, then faults one after another, each of a
 * kind, on a link or a node, from a point of the workload, for a while. The same seed draws the
 * same schedule; the processes' timing still varies, so the report records when each fault ran.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Proxy } from 'toxiproxy-node-client';
import { Prng } from '../../sim/prng.js';
import type { Cluster } from '../cluster/cluster.js';
import { LOG_HOLDING_WORKLOAD, type FaultTools, type Scenario } from './scenario.js';
import { waitAcked } from './waits.js';

const WRITES_MIN = 200;
const WRITES_SPAN = 400;
const FAULTS_MIN = 3;
const FAULTS_SPAN = 4;
const DURATION_MIN_MS = 200;
const DURATION_SPAN_MS = 1_800;
/** Faults begin within the first 90 % of the workload, so that most act under load. */
const START_FRACTION_MAX = 0.9;
export const SEED_MAX = 0xffff_ffff;

const LINKS = ['secondary-1', 'secondary-2', 'secondary-1-redis'] as const;
type LinkName = (typeof LINKS)[number];
const TOXICS = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;
type ToxicKind = (typeof TOXICS)[number];

type DrawnFault =
  | { readonly kind: ToxicKind; readonly link: LinkName; readonly stream: 'upstream' | 'downstream'; readonly attributes: Readonly<Record<string, number>>; readonly startFraction: number; readonly durationMs: number }
  | { readonly kind: 'disabled'; readonly link: LinkName; readonly startFraction: number; readonly durationMs: number }
  | { readonly kind: 'kill'; readonly node: 'secondary-1' | 'secondary-2'; readonly startFraction: number; readonly durationMs: number }
  | { readonly kind: 'kill-redis'; readonly startFraction: number; readonly durationMs: number };

const KINDS = [...TOXICS, 'disabled', 'kill', 'kill-redis'] as const;

/** A seed from the command line: a decimal integer the generator takes as it is. */
export function parseSeed(text: string): number {
  const seed = Number(text);
  if (!/^\d{1,10}$/.test(text) || seed > SEED_MAX) throw new Error(`--seed wants an integer from 0 to ${SEED_MAX}, got '${text}'`);
  return seed;
}

function pick<T>(random: Prng, choices: readonly T[]): T {
  const choice = choices[random.below(choices.length)];
  if (choice === undefined) throw new Error('nothing to pick from');
  return choice;
}

function between(random: Prng, min: number, max: number): number {
  return min + random.below(max - min + 1);
}

/** toxiproxy's attributes for `kind`, within ranges that slow or cut the link without stopping the run. */
function attributesOf(random: Prng, kind: ToxicKind): Record<string, number> {
  switch (kind) {
    case 'latency': {
      const latency = between(random, 5, 200);
      return { latency, jitter: between(random, 0, latency / 2) };
    }
    case 'bandwidth':
      return { rate: between(random, 5, 100) };
    case 'slow_close':
      return { delay: between(random, 100, 3_000) };
    case 'timeout':
      return { timeout: between(random, 0, 1_000) };
    case 'reset_peer':
      return { timeout: between(random, 0, 500) };
    case 'slicer': {
      const averageSize = between(random, 16, 512);
      return { average_size: averageSize, size_variation: between(random, 0, averageSize / 2), delay: between(random, 0, 1_000) };
    }
    case 'limit_data':
      return { bytes: between(random, 1_000, 50_000) };
  }
}

function drawFault(random: Prng): DrawnFault {
  const kind = pick(random, KINDS);
  const startFraction = random.nextFloat() * START_FRACTION_MAX;
  const durationMs = between(random, DURATION_MIN_MS, DURATION_MIN_MS + DURATION_SPAN_MS);
  if (kind === 'kill') return { kind, node: pick(random, ['secondary-1', 'secondary-2'] as const), startFraction, durationMs };
  if (kind === 'kill-redis') return { kind, startFraction, durationMs };
  const link = pick(random, LINKS);
  if (kind === 'disabled') return { kind, link, startFraction, durationMs };
  return { kind, link, stream: pick(random, ['upstream', 'downstream'] as const), attributes: attributesOf(random, kind), startFraction, durationMs };
}

function describe(fault: DrawnFault, writes: number): string {
  const when = `at ${Math.round(fault.startFraction * writes)} acknowledged writes for ${fault.durationMs} ms`;
  switch (fault.kind) {
    case 'kill':
      return `kill -9 of ${fault.node}, restarted on the same storage, ${when}`;
    case 'kill-redis':
      return `kill -9 of the Redis server, restarted on its files, ${when}`;
    case 'disabled':
      return `${fault.link} link disabled ${when}`;
    default:
      return `${fault.kind} ${JSON.stringify(fault.attributes)} on ${fault.link} ${fault.stream} ${when}`;
  }
}

function linkOf(cluster: Cluster, link: LinkName): Proxy {
  return link === 'secondary-1-redis' ? cluster.redisLink('secondary-1') : cluster.secondary(link).link;
}

/** Applies `fault` for its duration, noting its window. */
async function run(fault: DrawnFault, label: string, cluster: Cluster, { redis, timeline }: FaultTools, index: number): Promise<void> {
  const ended = timeline.begin(label);
  switch (fault.kind) {
    case 'kill': {
      const { node } = cluster.secondary(fault.node);
      await node.kill9();
      await sleep(fault.durationMs);
      await node.start();
      break;
    }
    case 'kill-redis': {
      if (redis === null) throw new Error('the schedule kills Redis, and the lab has none');
      await redis.kill();
      await sleep(fault.durationMs);
      await redis.restart();
      break;
    }
    case 'disabled': {
      const link = linkOf(cluster, fault.link);
      await link.update({ enabled: false, listen: link.listen, upstream: link.upstream });
      await sleep(fault.durationMs);
      await link.update({ enabled: true, listen: link.listen, upstream: link.upstream });
      break;
    }
    default: {
      const toxic = await linkOf(cluster, fault.link).addToxic({ name: `fault-${index}`, type: fault.kind, stream: fault.stream, toxicity: 1, attributes: fault.attributes });
      await sleep(fault.durationMs);
      await toxic.remove();
    }
  }
  ended();
}

/** The scenario seed `seed` draws: the same seed, the same workload and faults in the same order. */
export function seededScenario(seed: number): Scenario {
  const random = new Prng(seed);
  const writes = WRITES_MIN + random.below(WRITES_SPAN + 1);
  const drawn = Array.from({ length: FAULTS_MIN + random.below(FAULTS_SPAN + 1) }, () => drawFault(random)).sort((a, b) => a.startFraction - b.startFraction);
  const labels = drawn.map((fault) => describe(fault, writes));
  const needsRedis = drawn.some((fault) => fault.kind === 'kill-redis' || ('link' in fault && fault.link === 'secondary-1-redis'));
  return {
    name: `seed-${seed}`,
    faults: [`a workload of ${writes} writes`, ...labels],
    writes,
    maxOperationLog: LOG_HOLDING_WORKLOAD,
    ...(needsRedis ? { redisNodes: ['secondary-1'] as const } : {}),
    replay: `npm run chaos -- --seed ${seed}`,
    async inject(cluster, tools) {
      cluster.primary.startWorkload();
      for (const [index, fault] of drawn.entries()) {
        await waitAcked(cluster, Math.round(fault.startFraction * writes));
        await run(fault, labels[index] ?? '', cluster, tools, index);
      }
      return () => Promise.resolve([]);
    },
  };
}
