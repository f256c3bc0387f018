/**
 * Hostile input at scale: frames of every kind, most of them damaged (a flipped byte, cut short,
 * a false length, junk), each through a frame decoder of its own, then all of them through a
 * primary's connections (the real state machine, its storage answering at once; a connection
 * gets frames until the primary closes it), as a stranger or a broken peer would send them. Reports frames per second, how the primary answered, and the process's peak RSS. A
 * benchmark to read, not a test; it fails only if the primary throws or breaks an invariant.
 *
 *   npm run bench:fuzz -- [--frames N] [--seed S]
 */
import fc from 'fast-check';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import '../src/runtime/native-codecs.js';
import { FrameDecoder } from '../src/core/codec/frame-decoder.js';
import { DEFAULT_LIMITS, FRAME_HEADER_BYTES } from '../src/core/limits.js';
import { Primary } from '../src/core/primary/primary.js';
import { Prng } from '../sim/prng.js';
import { frameArb } from '../test/support/arbitraries.js';
import { bytesOf, drain, T0 } from '../test/support/machine.js';

const DEFAULT_FRAMES = 1_000_000;
/** Distinct valid frames to damage: enough variety, cheap to draw once. */
const POOL_SIZE = 2_000;
/** A primary checks its invariants this often (every input in the properties; here, a sample). */
const INVARIANTS_EVERY = 1_000;
const KINDS = ['valid', 'flipped', 'cut', 'false length', 'junk'] as const;

type Damage = (typeof KINDS)[number];

function damaged(frame: Uint8Array, damage: Damage, random: Prng): Uint8Array {
  switch (damage) {
    case 'valid':
      return frame;
    case 'flipped': {
      const copy = frame.slice();
      const index = random.below(copy.length);
      copy[index] = (copy[index] ?? 0) ^ (1 + random.below(255));
      return copy;
    }
    case 'cut':
      return frame.subarray(0, random.below(frame.length));
    case 'false length': {
      const copy = frame.slice();
      new DataView(copy.buffer).setUint32(0, random.nextUint32(), false);
      return copy;
    }
    case 'junk':
      return Uint8Array.from({ length: 1 + random.below(64) }, () => random.below(256));
  }
}

function* hostileFrames(count: number, seed: number): Generator<Uint8Array> {
  const pool = fc.sample(frameArb, { numRuns: POOL_SIZE, seed }).map(bytesOf);
  const random = new Prng(seed);
  for (let i = 0; i < count; i += 1) yield damaged(pool[random.below(pool.length)] as Uint8Array, KINDS[random.below(KINDS.length)] as Damage, random);
}

class PeakRss {
  peakMiB = 0;
  sample(): void {
    this.peakMiB = Math.max(this.peakMiB, process.memoryUsage().rss / (1024 * 1024));
  }
}

/** Each frame to a decoder of its own, judged by itself: decoded, refused, or waiting for more bytes. */
function throughDecoder(count: number, seed: number, rss: PeakRss): { perSecond: number; decoded: number; refused: number; incomplete: number } {
  const tally = { decoded: 0, refused: 0, incomplete: 0 };
  const startedMs = performance.now();
  let pushed = 0;
  for (const bytes of hostileFrames(count, seed)) {
    const decoder = new FrameDecoder(DEFAULT_LIMITS);
    try {
      decoder.push(bytes);
      if (decoder.next() === undefined) tally.incomplete += 1;
      else tally.decoded += 1;
    } catch {
      tally.refused += 1;
    }
    if (++pushed % INVARIANTS_EVERY === 0) rss.sample();
  }
  return { perSecond: (count * 1_000) / (performance.now() - startedMs), ...tally };
}

/** Every connection gets frames until the primary closes it; then the next connection opens. */
function throughPrimary(count: number, seed: number, rss: PeakRss): { perSecond: number; connections: number; closes: Map<string, number> } {
  const primary = new Primary({ nowMs: T0, random: new Prng(seed) });
  const closes = new Map<string, number>();
  let connectionId = 1;
  let open = false;
  const settle = (): void => {
    for (let outputs = drain(primary); outputs.length > 0; outputs = drain(primary)) {
      for (const output of outputs) {
        if (output.kind === 'close') {
          closes.set(output.code, (closes.get(output.code) ?? 0) + 1);
          if (output.connectionId === connectionId) open = false;
        } else if (output.kind === 'storage') {
          const result = output.request.kind === 'scan' ? { kind: 'scanned' as const, entries: [], done: true } : { kind: 'done' as const, durable: true };
          primary.handleStorageDone(output.requestId, result, T0);
        }
      }
    }
  };
  settle();
  const startedMs = performance.now();
  let pushed = 0;
  for (const bytes of hostileFrames(count, seed + 1)) {
    if (!open) {
      connectionId += 1;
      primary.handleConnected(connectionId, `10.0.${(connectionId >> 8) & 0xff}.${connectionId & 0xff}:4000`, T0);
      open = true;
    }
    primary.handleBytes(connectionId, bytes, T0);
    settle();
    if (++pushed % INVARIANTS_EVERY === 0) {
      primary.invariants();
      rss.sample();
    }
  }
  primary.invariants();
  return { perSecond: (count * 1_000) / (performance.now() - startedMs), connections: connectionId - 1, closes };
}

function main(): void {
  const { values } = parseArgs({ options: { frames: { type: 'string' }, seed: { type: 'string' } } });
  const count = values.frames === undefined ? DEFAULT_FRAMES : Number(values.frames);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed)) throw new Error('--frames and --seed want integers');
  const cpu = cpus();
  console.log(`command:  npm run bench:fuzz -- --frames ${count} --seed ${seed}`);
  console.log(`machine:  ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}`);
  console.log(`frames:   ${KINDS.join(', ')}, equally often, from ${POOL_SIZE} valid frames of every kind; length prefix ${FRAME_HEADER_BYTES} bytes`);
  const decoderRss = new PeakRss();
  const decoder = throughDecoder(count, seed, decoderRss);
  console.log(`decoder:  ${Math.round(decoder.perSecond)} frames/s (${decoder.decoded} decoded, ${decoder.refused} refused, ${decoder.incomplete} waiting for more); peak RSS ${decoderRss.peakMiB.toFixed(0)} MiB`);
  const primaryRss = new PeakRss();
  const primary = throughPrimary(count, seed, primaryRss);
  const closes = [...primary.closes.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ');
  console.log(`primary:  ${Math.round(primary.perSecond)} frames/s over ${primary.connections} connections; peak RSS ${primaryRss.peakMiB.toFixed(0)} MiB`);
  console.log(`          closed: ${closes}`);
}

main();
