/**
 * What a background rewrite of an `aof:DIR` file costs the applies that go on meanwhile: a file of
 * 250,000 entries of 100 B (`--entries N`) and three of 4 MiB is rewritten while a writer applies
 * ten 100 B writes every millisecond (10,000 a second, as `npm run bench`'s steady phase) and a
 * 4 MiB value every 100 ms, each awaited before the next of its kind. Reports how long the applies
 * took during the rewrite, how long the event loop stood still, the rewrite's own time, and then
 * how long the rewritten file takes to open (a restart replays it); with another checkout's
 * directory, both trees alternately, round by round (disk and CPU are shared and noisy). A
 * benchmark to read, not a test.
 *
 *   npm run bench:aof-rewrite -- [--rounds N] [--entries N] [--other DIR]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Operation } from '../src/core/operation.js';
import { median, quantile } from './bench/figures.js';

const BIG_ENTRIES = 3;
const FILL_BATCH = 1_000;
const SMALL_BYTES = 100;
const BIG_BYTES = 4 * 1024 * 1024;
const SMALL_PER_TICK = 10;
const TICK_MS = 1;
const BIG_EVERY_MS = 100;

type Storage = import('../src/storage/append-only.js').AppendOnlyStorage;
type Open = typeof import('../src/storage/append-only.js').AppendOnlyStorage.open;

interface RoundFigures {
  readonly rewriteMs: number;
  readonly smallP99Ms: number;
  readonly smallMaxMs: number;
  readonly bigMedianMs: number;
  readonly bigMaxMs: number;
  readonly loopStallMaxMs: number;
  readonly openMs: number;
}

function set(path: string, value: Uint8Array): Operation {
  return { type: 'SET', path, key: path, value, db: 'main', namespace: 'bench', tags: [], expiresAtMs: null };
}

function opened(open: Open, dir: string): Promise<Storage> {
  return open({ basePath: dir, rewriteMinBytes: Number.MAX_SAFE_INTEGER });
}

async function filled(open: Open, dir: string, entries: number): Promise<Storage> {
  const storage = await opened(open, dir);
  const small = new Uint8Array(SMALL_BYTES).fill(7);
  for (let first = 0; first < entries; first += FILL_BATCH) {
    await storage.apply(Array.from({ length: Math.min(FILL_BATCH, entries - first) }, (_, index) => set(`k/${first + index}`, small)), null);
  }
  for (let index = 0; index < BIG_ENTRIES; index += 1) await storage.apply([set(`big/${index}`, new Uint8Array(BIG_BYTES).fill(index))], null);
  return storage;
}

/** Applies `next(call)`'s operations one call after another, `everyMs` apart, while `running()`; returns each call's time. */
async function paced(storage: Storage, everyMs: number, next: (call: number) => Operation[], running: () => boolean): Promise<number[]> {
  const callsMs: number[] = [];
  for (let call = 0; running(); call += 1) {
    const startMs = performance.now();
    await storage.apply(next(call), null);
    callsMs.push(performance.now() - startMs);
    await sleep(everyMs);
  }
  return callsMs;
}

async function round(open: Open, entries: number): Promise<RoundFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-bench-aof-rewrite-'));
  try {
    const storage = await filled(open, dir, entries);
    const small = new Uint8Array(SMALL_BYTES).fill(1);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    let rewriting = true;
    loop.enable();
    const startMs = performance.now();
    const rewrite = storage.rewrite().finally(() => {
      rewriting = false;
    });
    const [smallMs, bigMs] = await Promise.all([
      paced(storage, TICK_MS, (call) => Array.from({ length: SMALL_PER_TICK }, (_, index) => set(`s/${call * SMALL_PER_TICK + index}`, small)), () => rewriting),
      paced(storage, BIG_EVERY_MS, (call) => [set(`big/${call % BIG_ENTRIES}`, new Uint8Array(BIG_BYTES).fill(call))], () => rewriting),
      rewrite,
    ]);
    const rewriteMs = performance.now() - startMs;
    loop.disable();
    await storage.close();
    const openStartMs = performance.now();
    await (await opened(open, dir)).close();
    const openMs = performance.now() - openStartMs;
    return {
      rewriteMs,
      smallP99Ms: quantile(smallMs, 0.99),
      smallMaxMs: Math.max(...smallMs),
      bigMedianMs: median(bigMs),
      bigMaxMs: Math.max(...bigMs),
      loopStallMaxMs: loop.max / 1e6,
      openMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function line(name: string, figures: readonly RoundFigures[]): string {
  const of = (pick: (round: RoundFigures) => number): string => median(figures.map(pick)).toFixed(0).padStart(6);
  return `${name.padEnd(8)} ${of((r) => r.rewriteMs)} ${of((r) => r.smallP99Ms)} ${of((r) => r.smallMaxMs)} ${of((r) => r.bigMedianMs)} ${of((r) => r.bigMaxMs)} ${of((r) => r.loopStallMaxMs)} ${of((r) => r.openMs)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, entries: { type: 'string', default: '250000' }, other: { type: 'string' } } });
  const rounds = Number(values.rounds);
  const entries = Number(values.entries);
  const sides: { name: string; open: Open; figures: RoundFigures[] }[] = [];
  const roots = values.other === undefined ? [['this', '.']] : [['this', '.'], ['other', values.other]];
  for (const [name, root] of roots) {
    // As a node has them: the runtime installs node's own codecs.
    await import(resolve(root as string, 'src/runtime/native-codecs.ts'));
    const module = (await import(resolve(root as string, 'src/storage/append-only.ts'))) as typeof import('../src/storage/append-only.js');
    sides.push({ name: name as string, open: (options) => module.AppendOnlyStorage.open(options), figures: [] });
  }
  for (let index = 0; index < rounds; index += 1) {
    for (const side of sides) {
      side.figures.push(await round(side.open, entries));
      console.error(`round ${index + 1}/${rounds} ${side.name}: ${JSON.stringify(side.figures.at(-1), (_, value: unknown) => (typeof value === 'number' ? Math.round(value) : value))}`);
    }
  }
  console.log(`medians of ${rounds} rounds; ${entries} entries of ${SMALL_BYTES} B and ${BIG_ENTRIES} of 4 MiB rewritten; ms`);
  console.log('tree     rewrite small-p99 small-max big-median big-max loop-stall   open');
  for (const side of sides) console.log(line(side.name, side.figures));
}

await main();
