/**
 * CPU time of a large value's way through the core, for this tree and another checkout
 * alternately: the API's copy of the caller's bytes, the primary's binary frame, the frame cut
 * into 64 KiB chunks as a socket hands them over, a secondary's decoder, and its memory storage
 * holding 200,000 small entries already (the heap of a node after a burst). Wall time on a shared
 * machine means little; the CPU of the same steps, alternated, compares code. A benchmark to read,
 * not a test.
 *
 *   git worktree add /tmp/nadb-before HEAD~1 && (cd /tmp/nadb-before && npm ci) && npm run bench:big-value -- /tmp/nadb-before [valueBytes] [rounds]
 */
import { resolve } from 'node:path';
import { median } from './bench/figures.js';

const ENTRIES = 200_000;
const APPLY_ENTRIES_MAX = 1_024;
const CHUNK_BYTES = 64 * 1_024;
const WRITES_PER_ROUND = 10;

type Codec = typeof import('../src/core/codec/index.js');
type Storage = import('../src/storage/backend.js').StorageBackend;

interface Side {
  readonly name: string;
  readonly codec: Codec;
  readonly limits: import('../src/core/limits.js').Limits;
  readonly operationOf: typeof import('../src/core/api-operations.js').operationOf;
  readonly context: import('../src/core/api-operations.js').StorageContext;
  readonly storage: Storage;
  readonly cpuMsPerWrite: number[];
}

async function sideOf(name: string, root: string): Promise<Side> {
  await import(resolve(root, 'src/runtime/native-codecs.ts'));
  const codec = (await import(resolve(root, 'src/core/codec/index.ts'))) as Codec;
  const { DEFAULT_LIMITS } = (await import(resolve(root, 'src/core/limits.ts'))) as typeof import('../src/core/limits.js');
  const api = (await import(resolve(root, 'src/core/api-operations.ts'))) as typeof import('../src/core/api-operations.js');
  const { MemoryStorage } = (await import(resolve(root, 'src/storage/memory.ts'))) as typeof import('../src/storage/memory.js');
  const storage = new MemoryStorage();
  await fill(storage, api);
  return { name, codec, limits: DEFAULT_LIMITS, operationOf: api.operationOf, context: api.DEFAULT_CONTEXT, storage, cpuMsPerWrite: [] };
}

async function fill(storage: Storage, api: typeof import('../src/core/api-operations.js')): Promise<void> {
  const value = new Uint8Array(100);
  for (let first = 0; first < ENTRIES; first += APPLY_ENTRIES_MAX) {
    const operations = [];
    for (let index = first; index < first + APPLY_ENTRIES_MAX; index += 1) operations.push(api.operationOf({ method: 'writeWithReplication', relativePath: `k/${index}`, data: value }, api.DEFAULT_CONTEXT, 0));
    await storage.apply(operations, null);
  }
}

async function oneWrite(side: Side, data: Uint8Array, sequence: number): Promise<void> {
  const op = side.operationOf({ method: 'writeWithReplication', relativePath: `big/${sequence % 3}`, data }, side.context, 1_000);
  const { bytes } = side.codec.encodeFrame({ kind: 'operation', sequence, timestampMs: 1_000, op }, side.limits, 'binary-1');
  const decoder = new side.codec.FrameDecoder(side.limits);
  decoder.wireFormat = 'binary-1';
  // A socket's chunks are arrays of their own.
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) decoder.push(bytes.slice(offset, offset + CHUNK_BYTES));
  const decoded = decoder.next();
  if (decoded?.frame.kind !== 'operation') throw new Error('no operation decoded');
  await side.storage.apply([decoded.frame.op], null);
}

async function round(side: Side, data: Uint8Array, sequence: number): Promise<void> {
  const started = process.cpuUsage();
  for (let write = 0; write < WRITES_PER_ROUND; write += 1) await oneWrite(side, data, sequence + write);
  const { user, system } = process.cpuUsage(started);
  side.cpuMsPerWrite.push((user + system) / 1_000 / WRITES_PER_ROUND);
}

async function main(): Promise<void> {
  const [other, valueBytesText = String(4 * 1_024 * 1_024), roundsText = '10'] = process.argv.slice(2);
  if (other === undefined) throw new Error('usage: npm run bench:big-value -- OTHER_CHECKOUT [valueBytes] [rounds]');
  const [valueBytes, rounds] = [Number(valueBytesText), Number(roundsText)];
  const here = await sideOf('this', resolve(import.meta.dirname, '..'));
  const there = await sideOf('other', other);
  const data = Uint8Array.from({ length: valueBytes }, (_, index) => index % 251);
  for (let index = 0; index < rounds; index += 1) {
    for (const side of index % 2 === 0 ? [there, here] : [here, there]) await round(side, data, 1 + index * WRITES_PER_ROUND);
  }
  console.log(`command:  npm run bench:big-value -- ${other} ${valueBytes} ${rounds} (${WRITES_PER_ROUND} writes a round, alternating)`);
  for (const side of [here, there]) console.log(`${side.name.padEnd(9)} median ${median(side.cpuMsPerWrite).toFixed(2)} CPU ms per write (rounds: ${side.cpuMsPerWrite.map((ms) => ms.toFixed(1)).join(', ')})`);
  console.log(`ratio:    ${(median(here.cpuMsPerWrite) / median(there.cpuMsPerWrite)).toFixed(3)} of the other's median`);
}

await main();
