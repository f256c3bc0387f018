import { openStorage, parseStorageSpec } from '../../src/cli/storage-spec.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { storageDifference } from '../../harness/storage-difference.js';
import { waitUntil } from '../../harness/waits.js';
import type { ChaosNode } from './chaos-node.js';
import type { Cluster } from './cluster.js';
import type { ExpectedEntry } from './workload.js';

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
 * acknowledged write is in every storage as `expected` says. Returns the problems found.
 */
export async function storageProblems(cluster: Cluster, expected: readonly ExpectedEntry[]): Promise<string[]> {
  const primary = await open(cluster.primary);
  const problems: string[] = [];
  try {
    problems.push(...(await lostWrites(cluster.primary.name, primary, expected)));
    for (const node of cluster.secondaries) problems.push(...(await secondaryProblems(node, primary, expected)));
  } finally {
    await primary.close();
  }
  return problems;
}

/**
 * With every node stopped, after the primary's storage lost its data: every acknowledged write is
 * on each secondary that stores on fs (the Redis-backed ones shared the loss) as `expected` says.
 * Returns the problems.
 */
export async function refusalProblems(cluster: Cluster, expected: readonly ExpectedEntry[]): Promise<string[]> {
  const problems: string[] = [];
  for (const node of cluster.secondaries.filter((secondary) => secondary.storage.startsWith('fs:'))) {
    const storage = await open(node);
    try {
      problems.push(...(await lostWrites(node.name, storage, expected)));
    } finally {
      await storage.close();
    }
  }
  return problems;
}

async function secondaryProblems(node: ChaosNode, primary: StorageBackend, expected: readonly ExpectedEntry[]): Promise<string[]> {
  const storage = await open(node);
  try {
    const difference = await storageDifference(primary, storage);
    return [...(difference === null ? [] : [`${node.name} differs from the primary: ${difference}`]), ...(await lostWrites(node.name, storage, expected))];
  } finally {
    await storage.close();
  }
}

/** One problem per expected entry that `storage` does not hold as expected (another value, or one where none should be). */
export async function lostWrites(name: string, storage: StorageBackend, expected: readonly ExpectedEntry[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { label, path, value } of expected) {
    const entry = await storage.read(path);
    const held = entry === undefined ? null : Buffer.from(entry.value).toString('utf8');
    if (held !== value) problems.push(`${name} lost ${label}`);
  }
  return problems;
}

function open(node: ChaosNode): Promise<StorageBackend> {
  return openStorage(parseStorageSpec(node.storage));
}
