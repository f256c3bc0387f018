/**
 * A long run that looks for memory kept per call rather than per key: a primary and two
 * secondaries (memory, aof, fs or Redis storage, one process, loopback TCP) take calls that
 * overwrite, delete, expire and retag a bounded keyspace, one secondary restarted now and then;
 * every sample the writes pause, the secondaries catch up, and the heap is measured after a full
 * collection. At the end the storages are compared. A benchmark to read: it exits 1 only when a
 * call was refused or a secondary's storage differs from the primary's.
 *
 *   npm run bench:soak -- [--minutes 10] [--storage memory|aof|fs|redis] [--wire binary|json] [--keys 20000] [--seed 1] [--window 200] [--sample-s 15] [--restart-s 60]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { WIRE_FORMAT_SETTINGS } from '../src/core/codec/wire-format.js';
import { runSoak, type SoakOptions, type SoakSample, type SoakStorage } from './soak/run.js';
import { growthOf } from './soak/growth.js';

const STORAGES: readonly SoakStorage[] = ['memory', 'aof', 'fs', 'redis'];

function optionsOf(argv: readonly string[]): SoakOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      minutes: { type: 'string', default: '10' },
      storage: { type: 'string', default: 'memory' },
      wire: { type: 'string', default: 'binary' },
      keys: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      window: { type: 'string', default: '200' },
      'sample-s': { type: 'string', default: '15' },
      'restart-s': { type: 'string', default: '60' },
    },
  });
  const number = (name: keyof typeof values, min: number): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}, got ${values[name]}`);
    return value;
  };
  const storage = STORAGES.find((candidate) => candidate === values.storage);
  if (storage === undefined) throw new Error(`--storage must be one of ${STORAGES.join(', ')}, got ${values.storage}`);
  const wireFormat = WIRE_FORMAT_SETTINGS.find((candidate) => candidate === values.wire);
  if (wireFormat === undefined) throw new Error(`--wire must be one of ${WIRE_FORMAT_SETTINGS.join(', ')}, got ${values.wire}`);
  return {
    durationMs: number('minutes', 0.05) * 60_000,
    storage,
    wireFormat,
    keys: Math.round(number('keys', 1)),
    seed: Math.round(number('seed', 0)),
    window: Math.round(number('window', 1)),
    sampleEveryMs: number('sample-s', 1) * 1_000,
    restartEveryMs: number('restart-s', 0) * 1_000,
  };
}

function line(sample: SoakSample): string {
  const minutes = (sample.elapsedMs / 60_000).toFixed(1).padStart(5);
  return `[soak ${minutes} min] ${sample.calls} calls, ${sample.entries} entries, heap ${sample.heapUsedMiB.toFixed(1)} MiB, array buffers ${sample.arrayBuffersMiB.toFixed(1)} MiB, rss ${sample.rssMiB.toFixed(0)} MiB, stored ${sample.storedMiB.toFixed(1)} MiB, log ${(sample.logBytes / 1024 / 1024).toFixed(1)} MiB, resyncs ${sample.fullResyncs} full / ${sample.partialResyncs} partial`;
}

async function main(): Promise<void> {
  const options = optionsOf(process.argv.slice(2));
  const cpu = cpus();
  console.log(`${'command:'.padEnd(15)}npm run bench:soak -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(`${'machine:'.padEnd(15)}${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}`);
  const result = await runSoak(options, (sample) => console.log(line(sample)));
  if (!result.collected) console.log(`${'note:'.padEnd(15)}node ran without --expose-gc: the heap figures include garbage`);
  const minutes = (options.durationMs / 60_000).toFixed(1);
  console.log(`${'calls:'.padEnd(15)}${result.calls} in ${minutes} min (${result.refused} refused), the second secondary restarted ${result.restarts} times`);
  if (result.firstRefusal !== null) console.log(`${'first refusal:'.padEnd(15)}${result.firstRefusal}`);
  for (const [name, pick] of [['heap', (s: SoakSample) => s.heapUsedMiB], ['array buffers', (s: SoakSample) => s.arrayBuffersMiB], ['rss', (s: SoakSample) => s.rssMiB], ['stored', (s: SoakSample) => s.storedMiB]] as const) {
    const growth = growthOf(result.samples, pick);
    console.log(`${`${name}:`.padEnd(15)}${growth === null ? 'too few samples' : `${growth.firstMiB.toFixed(1)} MiB in the first third after warm-up, ${growth.lastMiB.toFixed(1)} in the last; ${growth.slopeMiBPerMillionCalls.toFixed(2)} MiB per million calls`}`);
  }
  result.differences.forEach((difference, index) => console.log(`${`s${index + 1}:`.padEnd(15)}${difference === null ? 'equal to the primary' : `DIFFERS: ${difference}`}`));
  // Nothing in a healthy cluster refuses these calls: a refusal is a finding, as a difference is.
  if (result.refused > 0 || result.differences.some((difference) => difference !== null)) process.exitCode = 1;
}

await main();
