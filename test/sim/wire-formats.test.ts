import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireFormatSetting } from '../../src/core/codec/index.js';
import { scenarioArb } from '../../sim/arbitraries.js';
import { NO_FAULTS, SIM_LIMITS } from '../../sim/options.js';
import { runScenario, type Scenario } from '../../sim/scenario.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

const BINARY_MARKERS: Record<number, string> = { 0xb1: 'binary-1', 0xb2: 'binary-2' };
/** The kind byte after the marker (docs/PROTOCOL.md). */
const BINARY_KINDS = ['', 'operation', 'batch', 'snapshotChunk'];
const WRITES = 200;
const WRITES_PER_BURST = 20;
const CONVERGE_MS = 60_000;

/**
 * The kinds of binary frames each secondary received, each named with its format. Without network
 * faults a segment is one frame, whose body's first byte tells each binary format from JSON.
 */
function cluster(wireFormats: Record<string, WireFormatSetting>): { sim: Simulation; binaryKindsTo: Map<string, Set<string>> } {
  const sim = new Simulation({ seed: 5, secondaries: 2, limits: SIM_LIMITS, faults: NO_FAULTS, wireFormats });
  const binaryKindsTo = new Map<string, Set<string>>();
  for (const name of ['s1', 's2']) {
    const kinds = new Set<string>();
    binaryKindsTo.set(name, kinds);
    sim.setFilter(name, (bytes, direction) => {
      const format = BINARY_MARKERS[bytes[4]!];
      if (direction === 'toSecondary' && format !== undefined) kinds.add(`${format} ${BINARY_KINDS[bytes[5]!]!}`);
      return 'deliver';
    });
  }
  return { sim, binaryKindsTo };
}

/** Both secondaries miss more than the log holds, so they catch up by snapshot, then stream; then converge. */
function replicate(sim: Simulation): void {
  sim.crash('s1');
  sim.crash('s2');
  for (let i = 0; i < WRITES; i += 1) {
    sim.write(set(`k/${i % 50}`, `v${i}`, { tags: i % 3 === 0 ? ['t'] : [] }));
    // Within pendingWritesMax, and still in bursts that make batches.
    if (i % WRITES_PER_BURST === WRITES_PER_BURST - 1) sim.runFor(100);
  }
  sim.restart('s1');
  sim.restart('s2');
  expect(sim.runUntil(() => sim.converged(), CONVERGE_MS), sim.divergence() ?? '').toBe(true);
  // Streamed now: a burst goes in batches, a lone write alone.
  for (let i = 0; i < WRITES_PER_BURST; i += 1) sim.write(set(`k/${i}`, 'burst'));
  sim.runFor(1_000);
  sim.write({ type: 'DELETE', path: 'k/0' });
  expect(sim.runUntil(() => sim.converged(), CONVERGE_MS), sim.divergence() ?? '').toBe(true);
}

describe('wire formats in one cluster', () => {
  const everyKind = (format: string): string[] => ['batch', 'operation', 'snapshotChunk'].map((kind) => `${format} ${kind}`);

  it('a binary secondary and a JSON one replicate from one binary primary, each in its own format', () => {
    const { sim, binaryKindsTo } = cluster({ primary: 'binary', s1: 'binary', s2: 'json' });
    replicate(sim);
    expect([...binaryKindsTo.get('s1')!].sort()).toEqual(everyKind('binary-2'));
    expect(binaryKindsTo.get('s2')!.size).toBe(0);
  });

  it('a secondary of the release before binary-2 gets binary-1 from a binary primary, beside one that gets binary-2', () => {
    const { sim, binaryKindsTo } = cluster({ primary: 'binary', s1: 'binary-1', s2: 'binary' });
    replicate(sim);
    expect([...binaryKindsTo.get('s1')!].sort()).toEqual(everyKind('binary-1'));
    expect([...binaryKindsTo.get('s2')!].sort()).toEqual(everyKind('binary-2'));
  });

  it('a primary of the release before binary-2 streams binary-1 to secondaries that offer both', () => {
    const { sim, binaryKindsTo } = cluster({ primary: 'binary-1', s1: 'binary', s2: 'binary' });
    replicate(sim);
    expect([...binaryKindsTo.get('s1')!].sort()).toEqual(everyKind('binary-1'));
    expect([...binaryKindsTo.get('s2')!].sort()).toEqual(everyKind('binary-1'));
  });

  it('a JSON-only primary streams JSON to a secondary that offers binary', () => {
    const { sim, binaryKindsTo } = cluster({ primary: 'json', s1: 'binary', s2: 'binary' });
    replicate(sim);
    expect(binaryKindsTo.get('s1')!.size).toBe(0);
    expect(binaryKindsTo.get('s2')!.size).toBe(0);
  });
});

/** Writes whose binary and JSON frames differ in every field an operation has. */
const EVERY_FIELD: Scenario = {
  seed: 3,
  secondaries: 2,
  faults: NO_FAULTS,
  steps: [
    { kind: 'write', call: { method: 'writeWithReplication', relativePath: 'a', data: 'x', tags: ['t'], ttl: 60 }, context: { db: 'd', namespace: 'n' } },
    { kind: 'write', call: { method: 'setTags', path: 'd:n:a', tags: ['u'] } },
    { kind: 'write', call: { method: 'flush', db: 'd', namespace: null } },
    { kind: 'runFor', ms: 1_000 },
  ],
};

describe('wire formats in scenarios', () => {
  it("a scenario's wire formats reach its nodes: the same scenario in binary runs another trace, and both pass", () => {
    const json = runScenario(EVERY_FIELD);
    const binary = runScenario({ ...EVERY_FIELD, wireFormats: { primary: 'binary', s1: 'binary', s2: 'json' } });
    expect([json.verdict, binary.verdict]).toEqual(['pass', 'pass']);
    expect(binary.sim.trace.hash()).not.toBe(json.sim.trace.hash());
  });

  it('scenarios are drawn in binary, binary-1, JSON and mixed clusters, so that a failure shrinks in its format', () => {
    const drawn = fc.sample(scenarioArb(), { numRuns: 200, seed: 1 });
    const formats = new Set(drawn.map((scenario) => Object.values(scenario.wireFormats ?? {}).sort().join('+')));
    expect(formats).toContain('json+json');
    expect(formats).toContain('binary+binary');
    expect(formats).toContain('binary-1+binary-1');
    expect(formats).toContain('binary+binary-1');
    expect([...formats].some((mix) => mix.includes('binary') && mix.includes('json'))).toBe(true);
  });

  it('a scenario naming a node it does not have in its wire formats is a mistake in the scenario', () => {
    expect(() => runScenario({ ...EVERY_FIELD, wireFormats: { s9: 'binary' } })).toThrow(/wireFormats names s9/);
  });
});
