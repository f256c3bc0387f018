/**
 * npm run bench:runtime — replication throughput over loopback TCP, one primary and one secondary
 * on MemoryStorage in this process: a 4 MiB value (the original took about 15 s, failure 18), and
 * a stream of small writes. Figures go in the README with the machine and this command.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { caughtUp, portOf, startPrimary, startSecondary } from './support/nodes.js';

const BIG_VALUE_BYTES = 4 * 1024 * 1024;
const BIG_VALUE_ROUNDS = 10;
const SMALL_WRITES = 50_000;
const SMALL_VALUE_BYTES = 100;
const SMALL_WRITES_IN_FLIGHT = 1_000;
const MIB = 1024 * 1024;

async function untilCaughtUp(primary: NetworkSyncBackend, secondary: NetworkSyncBackend): Promise<void> {
  while (!caughtUp(primary, [secondary])) await nextTurn();
}

/** Milliseconds from the write's submission until the secondary has applied it. */
async function replicate(primary: NetworkSyncBackend, secondary: NetworkSyncBackend, write: () => Promise<void>): Promise<number> {
  const startedMs = performance.now();
  await write();
  await untilCaughtUp(primary, secondary);
  return performance.now() - startedMs;
}

async function smallWrites(primary: NetworkSyncBackend): Promise<void> {
  const value = randomBytes(SMALL_VALUE_BYTES);
  for (let next = 0; next < SMALL_WRITES; next += SMALL_WRITES_IN_FLIGHT) {
    await Promise.all(Array.from({ length: SMALL_WRITES_IN_FLIGHT }, async (_, i) => primary.writeData(`small/${next + i}`, value)));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  const primary = await startPrimary(new MemoryStorage());
  const secondary = await startSecondary(portOf(primary), new MemoryStorage());
  try {
    const bigMs: number[] = [];
    for (let round = 0; round < BIG_VALUE_ROUNDS; round += 1) {
      const value = randomBytes(BIG_VALUE_BYTES);
      bigMs.push(await replicate(primary, secondary, async () => primary.writeData(`big/${round}`, value)));
    }
    const bigMedianMs = median(bigMs);
    console.log(`4 MiB value, write to applied on the secondary: median ${bigMedianMs.toFixed(1)} ms over ${BIG_VALUE_ROUNDS} (${(BIG_VALUE_BYTES / MIB / (bigMedianMs / 1000)).toFixed(0)} MB/s)`);
    const smallMs = await replicate(primary, secondary, async () => smallWrites(primary));
    const opsPerSecond = SMALL_WRITES / (smallMs / 1000);
    console.log(
      `${SMALL_WRITES} writes of ${SMALL_VALUE_BYTES} B, ${SMALL_WRITES_IN_FLIGHT} in flight: ${smallMs.toFixed(0)} ms, ` +
        `${opsPerSecond.toFixed(0)} writes/s replicated (${((opsPerSecond * SMALL_VALUE_BYTES) / MIB).toFixed(1)} MB/s of values)`,
    );
  } finally {
    await secondary.close();
    await primary.close();
  }
}

await main();
