/**
 * CPU per replicated write against another checkout, on a machine too busy for wall time to mean
 * anything: a primary and two secondaries (memory storage, loopback TCP) in this one process, for
 * this tree and the other alternately; each round writes N values of 100 B with 1,000 in flight
 * until both secondaries have applied them, and counts the process's CPU time. The three nodes
 * share a thread here, unlike `npm run bench`'s processes: this compares code, it does not stand
 * in for that table. With a secondaries count of 0 it measures the primary's write path alone
 * (API, validation, log, its storage), which the secondaries' CPU would otherwise dilute. A
 * benchmark to read, not a test.
 *
 *   git worktree add /tmp/nadb-before HEAD~1 && npm run bench:runtime:pair -- /tmp/nadb-before [writes] [rounds] [secondaries]
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NetworkSyncBackend } from '../src/runtime/network-sync-backend.js';

type Nodes = typeof import('../test/runtime/support/nodes.js');
type Memory = typeof import('../src/storage/memory.js');

const IN_FLIGHT = 1_000;
const VALUE_BYTES = 100;

interface Side {
  readonly name: string;
  readonly nodes: Nodes;
  readonly memory: Memory;
  readonly cpuMicrosPerWrite: number[];
}

async function sideOf(name: string, root: string): Promise<Side> {
  const nodes = (await import(resolve(root, 'test/runtime/support/nodes.ts'))) as Nodes;
  const memory = (await import(resolve(root, 'src/storage/memory.ts'))) as Memory;
  return { name, nodes, memory, cpuMicrosPerWrite: [] };
}

async function writeAll(primary: NetworkSyncBackend, writes: number): Promise<void> {
  const value = randomBytes(VALUE_BYTES);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < writes) await primary.writeData(`k/${next++}`, value);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

async function round(side: Side, writes: number, secondaryCount: number): Promise<void> {
  const { nodes, memory } = side;
  const primary = await nodes.startPrimary(new memory.MemoryStorage());
  const secondaries: NetworkSyncBackend[] = [];
  for (let index = 0; index < secondaryCount; index += 1) secondaries.push(await nodes.startSecondary(nodes.portOf(primary), new memory.MemoryStorage()));
  try {
    await nodes.waitCaughtUp(primary, secondaries);
    const started = process.cpuUsage();
    await writeAll(primary, writes);
    while (!nodes.caughtUp(primary, secondaries)) await sleep(1);
    const { user, system } = process.cpuUsage(started);
    side.cpuMicrosPerWrite.push((user + system) / writes);
  } finally {
    for (const node of [...secondaries, primary]) await node.close();
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function main(): Promise<void> {
  const [other, writesText = '100000', roundsText = '4', secondariesText = '2'] = process.argv.slice(2);
  if (other === undefined) throw new Error('usage: npm run bench:runtime:pair -- OTHER_CHECKOUT [writes] [rounds] [secondaries]');
  const [writes, rounds, secondaryCount] = [Number(writesText), Number(roundsText), Number(secondariesText)];
  const here = await sideOf('this', resolve(import.meta.dirname, '..'));
  const there = await sideOf('other', other);
  for (let index = 0; index < rounds; index += 1) for (const side of index % 2 === 0 ? [there, here] : [here, there]) await round(side, writes, secondaryCount);
  console.log(`command:  npm run bench:runtime:pair -- ${other} ${writes} ${rounds} ${secondaryCount} (a primary and ${secondaryCount} secondaries in one process, alternating)`);
  for (const side of [here, there]) console.log(`${side.name.padEnd(9)} ${side.cpuMicrosPerWrite.map((micros) => micros.toFixed(1)).join(', ')} CPU µs per replicated write`);
  console.log(`ratio:    ${(sum(here.cpuMicrosPerWrite) / sum(there.cpuMicrosPerWrite)).toFixed(3)} of the other's CPU per write`);
}

await main();
