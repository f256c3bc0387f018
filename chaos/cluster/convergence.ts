import { openStorage, parseStorageSpec } from '../../src/cli/storage-spec.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { storageDifference } from '../../harness/storage-difference.js';
import { waitUntil } from '../../harness/waits.js';
import type { ChaosNode } from './chaos-node.js';
import type { Cluster } from './cluster.js';
import { pathOf, valueOf } from './workload.js';

/** How long a healed cluster may take to converge before the scenario fails. */
const CONVERGE_TIMEOUT_MS = 60_000;

/** Waits until every secondary's /stats reports the primary's history and last applied sequence; returns how long that took. */
export async function waitConverged(cluster: Cluster): Promise<number> {
  const startedMs = Date.now();
  await waitUntil(() => converged(cluster), 'the secondaries to converge (admin /stats)', CONVERGE_TIMEOUT_MS);
  return Date.now() - startedMs;
}

async function converged(cluster: Cluster): Promise<boolean> {
  const primary = await cluster.primary.stats();
  if (primary.mode !== 'primary' || primary.pendingWrites > 0 || primary.appliedSequence !== primary.sequenceNumber) return false;
  const secondaries = await Promise.all(cluster.secondaries.map((node) => node.stats().catch(() => null)));
  return secondaries.every((stats) => stats?.replicationId === primary.replicationId && stats.sequenceNumber === primary.appliedSequence);
}

/**
 * With every node stopped: each secondary's storage equals the primary's path by path, and every
 * acknowledged write is in every storage with its value. Returns the problems found.
 */
export async function storageProblems(cluster: Cluster, acked: ReadonlySet<number>): Promise<string[]> {
  const primary = await open(cluster.primary);
  const problems: string[] = [];
  try {
    problems.push(...(await lostWrites(cluster.primary.name, primary, acked)));
    for (const node of cluster.secondaries) problems.push(...(await secondaryProblems(node, primary, acked)));
  } finally {
    await primary.close();
  }
  return problems;
}

async function secondaryProblems(node: ChaosNode, primary: StorageBackend, acked: ReadonlySet<number>): Promise<string[]> {
  const storage = await open(node);
  try {
    const difference = await storageDifference(primary, storage);
    return [...(difference === null ? [] : [`${node.name} differs from the primary: ${difference}`]), ...(await lostWrites(node.name, storage, acked))];
  } finally {
    await storage.close();
  }
}

/** One problem per acknowledged write missing from `storage` or holding another value. */
export async function lostWrites(name: string, storage: StorageBackend, acked: ReadonlySet<number>): Promise<string[]> {
  const problems: string[] = [];
  for (const index of acked) {
    const entry = await storage.read(pathOf(index));
    if (entry === undefined || Buffer.from(entry.value).toString('utf8') !== valueOf(index)) problems.push(`${name} lost acknowledged write ${index}`);
  }
  return problems;
}

function open(node: ChaosNode): Promise<StorageBackend> {
  return openStorage(parseStorageSpec(node.storage));
}
