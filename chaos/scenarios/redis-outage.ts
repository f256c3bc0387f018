import { waitUntil } from '../../harness/waits.js';
import type { Cluster, RedisNodeName } from '../cluster/cluster.js';
import type { Figures } from './scenario.js';
import { WORKLOAD_TIMEOUT_MS } from './waits.js';

/** The applied sequences of the primary and of `node` (its own, when it is the primary). */
export interface Sequences {
  readonly primary: number;
  readonly node: number;
}

export async function sequences(cluster: Cluster, node: RedisNodeName): Promise<Sequences> {
  const primary = (await cluster.primary.primaryStats()).appliedSequence;
  if (node === 'primary') return { primary, node: primary };
  return { primary, node: (await cluster.secondary('secondary-1').node.secondaryStats()).sequenceNumber };
}

/** Waits until `node` has applied `count` operations: each fault hits while it writes to its Redis (a secondary catching up, too). */
export async function waitApplied(cluster: Cluster, node: RedisNodeName, count: number): Promise<void> {
  await waitUntil(async () => (await sequences(cluster, node)).node >= count, `${node} to apply ${count} operations`, WORKLOAD_TIMEOUT_MS);
}

const ADVANCE_FIGURE = 'operations applied during the outage';
const PENDING_FIGURE = 'operations it had to apply during the outage';
/** Writes whose storage round trip finished as the outage began: at most one batch of the workload. */
const OUTAGE_SLACK_OPERATIONS = 10;

/**
 * What `node` applied while its Redis was out, and what it could have applied meanwhile: the rest
 * of a workload of `writes` for the primary, for a secondary what the primary had applied by the
 * end less what it held at the start.
 */
export function recordOutage(figures: Figures, node: RedisNodeName, writes: number, before: Sequences, after: Sequences): void {
  figures[`${node} ${ADVANCE_FIGURE}`] = after.node - before.node;
  figures[`${node} ${PENDING_FIGURE}`] = (node === 'primary' ? writes : after.primary) - before.node;
}

/** Without its storage a node must stop applying, though it had operations to apply (or the outage tested nothing). */
export function outageProblems(figures: Figures, node: RedisNodeName): string[] {
  const advance = figures[`${node} ${ADVANCE_FIGURE}`] ?? 0;
  const pending = figures[`${node} ${PENDING_FIGURE}`] ?? 0;
  return [
    ...(pending > OUTAGE_SLACK_OPERATIONS ? [] : [`${node} had only ${pending} operations to apply when its Redis went out: the outage tested nothing`]),
    ...(advance <= OUTAGE_SLACK_OPERATIONS ? [] : [`${node} applied ${advance} operations while its Redis was out`]),
  ];
}
