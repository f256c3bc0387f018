/**
 * CPU per replicated write against another checkout, on a machine too busy for wall time to mean
 * anything: a primary and two secondaries (memory storage, loopback TCP) in this one process, for
 * this tree and the other alternately, after a round of each that is not counted; each round
 * writes N values (100 B by default) with 1,000 in flight until both secondaries have applied
 * them, and counts the process's CPU time. The three nodes share a thread here, unlike `npm run
 * bench`'s processes: this compares code, it does not stand in for that table. A benchmark to read, not a test.
 *
 *   git worktree add /tmp/nadb-before HEAD~1 && npm run bench:runtime:pair -- /tmp/nadb-before [writes] [rounds] [--secondaries N] [--rate N] [--value-bytes N]
 *
 * `--secondaries 0` measures the primary's write path alone (API, validation, log, its storage),
 * which the secondaries' CPU would otherwise dilute (default 2). `--rate N`: the writes go at N a
 * second in 1 ms ticks, as `npm run bench`'s steady phase issues them, instead of 1,000 in
 * flight: a frame then carries a few writes, and what a frame costs shows. `--value-bytes N`: values
 * of N bytes instead of 100.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NetworkSyncBackend } from '../src/runtime/network-sync-backend.js';

type Nodes = typeof import('../test/runtime/support/nodes.js');
type Memory = typeof import('../src/storage/memory.js');

const IN_FLIGHT = 1_000;
const TICK_MS = 1;

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

async function writeAll(primary: NetworkSyncBackend, writes: number, valueBytes: number): Promise<void> {
  const value = randomBytes(valueBytes);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < writes) await primary.writeData(`k/${next++}`, value);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

/** Writes at `ratePerS`, catching up on a late tick, until `writes` are issued; resolves once the primary applied them. */
async function writeSteadily(primary: NetworkSyncBackend, writes: number, { ratePerS, valueBytes }: { ratePerS: number; valueBytes: number }): Promise<void> {
  const value = randomBytes(valueBytes);
  const startMs = performance.now();
  const pending: Promise<void>[] = [];
  for (let issued = 0; issued < writes; await sleep(TICK_MS)) {
    const due = Math.min(writes, Math.floor(((performance.now() - startMs) * ratePerS) / 1_000));
    for (; issued < due; issued += 1) pending.push(primary.writeData(`k/${issued}`, value));
  }
  await Promise.all(pending);
}

interface Shape {
  readonly secondaryCount: number;
  readonly ratePerS: number | null;
  readonly valueBytes: number;
}

async function round(side: Side, writes: number, { secondaryCount, ratePerS, valueBytes }: Shape): Promise<void> {
  const { nodes, memory } = side;
  const primary = await nodes.startPrimary(new memory.MemoryStorage());
  const secondaries: NetworkSyncBackend[] = [];
  for (let index = 0; index < secondaryCount; index += 1) secondaries.push(await nodes.startSecondary(nodes.portOf(primary), new memory.MemoryStorage()));
  try {
    await nodes.waitCaughtUp(primary, secondaries);
    const started = process.cpuUsage();
    await (ratePerS === null ? writeAll(primary, writes, valueBytes) : writeSteadily(primary, writes, { ratePerS, valueBytes }));
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
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { secondaries: { type: 'string', default: '2' }, rate: { type: 'string' }, 'value-bytes': { type: 'string', default: '100' } } });
  const [other, writesText = '100000', roundsText = '4'] = positionals;
  if (other === undefined) throw new Error('usage: npm run bench:runtime:pair -- OTHER_CHECKOUT [writes] [rounds] [--secondaries N] [--rate N] [--value-bytes N]');
  const [writes, rounds] = [Number(writesText), Number(roundsText)];
  const shape: Shape = { secondaryCount: Number(values.secondaries), ratePerS: values.rate === undefined ? null : Number(values.rate), valueBytes: Number(values['value-bytes']) };
  const here = await sideOf('this', resolve(import.meta.dirname, '..'));
  const there = await sideOf('other', other);
  // A round each first, not counted: the first round in a process pays the compiler's warm-up, and
  // the other tree, going first, paid it in every ratio printed before 2026-12-07.
  for (const side of [there, here]) await round(side, writes, shape);
  for (const side of [there, here]) side.cpuMicrosPerWrite.length = 0;
  for (let index = 0; index < rounds; index += 1) for (const side of index % 2 === 0 ? [there, here] : [here, there]) await round(side, writes, shape);
  const how = shape.ratePerS === null ? `${IN_FLIGHT} in flight` : `${shape.ratePerS} writes/s`;
  console.log(`command:  npm run bench:runtime:pair -- ${process.argv.slice(2).join(' ')} (a primary and ${shape.secondaryCount} secondaries in one process, alternating; ${how})`);
  for (const side of [here, there]) console.log(`${side.name.padEnd(9)} ${side.cpuMicrosPerWrite.map((micros) => micros.toFixed(1)).join(', ')} CPU µs per replicated write`);
  console.log(`ratio:    ${(sum(here.cpuMicrosPerWrite) / sum(there.cpuMicrosPerWrite)).toFixed(3)} of the other's CPU per write (a warm-up round of each not counted)`);
}

await main();
