/**
 * What a million entries of 100 B cost in memory, held as the decoder hands them over (an
 * operation object with a Uint8Array of its own) and as a Keyspace holds them (compact-entry.ts).
 * Each is measured in a fresh process, after a full GC. A benchmark to read, not a test.
 *
 *   npm run bench:memory [-- --entries N]
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { Keyspace } from '../src/core/keyspace.js';
import type { SetOperation } from '../src/core/operation.js';

const VALUE_BYTES = 100;
const MIB = 1024 * 1024;
const HOLDERS = ['operations', 'keyspace'] as const;
type Holder = (typeof HOLDERS)[number];

/** As decoding makes them: fresh strings and a value copied out of the frame. */
function decoded(index: number, frame: Uint8Array): SetOperation {
  const path = `load/${index}`;
  return { type: 'SET', path, key: `load/${index}`, db: ['def', 'ault'].join(''), namespace: ['def', 'ault'].join(''), tags: [], expiresAtMs: null, value: frame.slice(0, VALUE_BYTES) };
}

function measure(holder: Holder, entries: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const frame = Uint8Array.from({ length: VALUE_BYTES * 2 }, (_, index) => index % 256);
  gc();
  const before = process.memoryUsage();
  // By path, as a keyspace held them before compact entries.
  const held = new Map<string, SetOperation>();
  const keyspace = new Keyspace();
  for (let index = 0; index < entries; index += 1) {
    const op = decoded(index, frame);
    if (holder === 'operations') held.set(op.path, op);
    else keyspace.apply(op);
  }
  gc();
  const after = process.memoryUsage();
  const mib = (bytes: number): string => (bytes / MIB).toFixed(0);
  console.log(`${holder.padEnd(10)} ${mib(after.rss - before.rss).padStart(5)} MiB RSS, ${mib(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).padStart(5)} MiB heap and buffers (${held.size + keyspace.size} entries)`);
}

const CHILD_ENV = 'NADB_BENCH_MEMORY_HOLDER';

function main(): void {
  const entriesAt = process.argv.indexOf('--entries');
  const entries = entriesAt > 0 ? Number(process.argv[entriesAt + 1]) : 1_000_000;
  if (!Number.isSafeInteger(entries) || entries < 1) throw new Error('--entries wants a positive integer');
  const holder = process.env[CHILD_ENV];
  if (holder !== undefined) {
    measure(holder as Holder, entries);
    return;
  }
  console.log(`command:  npm run bench:memory (${entries} entries of ${VALUE_BYTES} B, each way in its own process)`);
  console.log(`machine:  ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  for (const each of HOLDERS) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', process.argv[1] as string, '--entries', String(entries)], {
      encoding: 'utf8',
      env: { ...process.env, [CHILD_ENV]: each },
    });
    process.stdout.write(out);
  }
}

main();
