import { describe, expect, it } from 'vitest';
import { keepFaults } from '../../sim/fault-kinds.js';
import { NO_FAULTS, swarmOptions, type NodeFaults } from '../../sim/options.js';
import { Simulation } from '../../sim/simulation.js';
import type { TraceEvent } from '../../sim/trace.js';
import { set } from '../support/ops.js';

const WRITES = 20;
const WRITE_GAP_MS = 1_000;
const SLOW_DISK_LATENCY_MEAN_MS = 400;
const SLOW_LINK_DELAY_MS = 80;
const SWARM_SEEDS = 200;

function cluster(nodeFaults: Record<string, NodeFaults>): Simulation {
  return new Simulation({ seed: 3, secondaries: 2, faults: { ...NO_FAULTS, nodeFaults }, traceEventsMax: 1_000_000 });
}

/** Paced writes, so that each one's way to every secondary is measured on its own. */
function writePaced(sim: Simulation): void {
  for (let i = 0; i < WRITES; i += 1) {
    sim.write(set(`k${i}`, 'v'));
    sim.runFor(WRITE_GAP_MS);
  }
}

function meanMs(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

/** Mean time a node's applies took after the primary's, write by write. */
function meanApplyLagMs(events: readonly TraceEvent[], node: string): number {
  const appliedAt = (who: string, kind: string): Map<string, number> =>
    new Map(events.filter((event) => event.node === who && event.kind === kind).map((event) => [event.detail ?? '', event.t]));
  const primary = appliedAt('primary', 'event:writeApplied');
  const secondary = appliedAt(node, 'event:applied');
  return meanMs([...secondary].flatMap(([sequence, atMs]) => {
    const writtenMs = primary.get(sequence);
    return writtenMs === undefined ? [] : [atMs - writtenMs];
  }));
}

function meanDeliveryMs(events: readonly TraceEvent[], node: string): number {
  return meanMs(events.filter((event) => event.kind === 'deliver' && (event.to === node || event.from === node)).map((event) => event.t - (event.sentMs ?? event.t)));
}

describe('per-node faults', () => {
  it('a slow disk slows its own secondary only', () => {
    const sim = cluster({ s1: { storage: { latencyMeanMs: SLOW_DISK_LATENCY_MEAN_MS } } });
    writePaced(sim);
    expect(sim.converged(), sim.divergence() ?? '').toBe(true);
    expect(meanApplyLagMs(sim.trace.events, 's1')).toBeGreaterThan(SLOW_DISK_LATENCY_MEAN_MS / 2);
    expect(meanApplyLagMs(sim.trace.events, 's2')).toBeLessThan(SLOW_DISK_LATENCY_MEAN_MS / 10);
  });

  it('a slow link delays every segment to and from its secondary only, until healed', () => {
    const sim = cluster({ s2: { link: { delayMinMs: SLOW_LINK_DELAY_MS } } });
    writePaced(sim);
    expect(meanDeliveryMs(sim.trace.events, 's2')).toBeGreaterThanOrEqual(SLOW_LINK_DELAY_MS);
    expect(meanDeliveryMs(sim.trace.events, 's1')).toBeLessThan(SLOW_LINK_DELAY_MS / 10);
    sim.heal();
    const healedFrom = sim.trace.events.length;
    writePaced(sim);
    expect(meanDeliveryMs(sim.trace.events.slice(healedFrom), 's2')).toBeLessThan(SLOW_LINK_DELAY_MS / 10);
  });

  it('refuses faults for a node the cluster does not have', () => {
    expect(() => cluster({ s3: { storage: { latencyMeanMs: 1 } } })).toThrow(RangeError);
  });

  it('the swarm draws a slow disk, a stalling disk and a slow link, each in some seeds', () => {
    const drawn = Array.from({ length: SWARM_SEEDS }, (_, i) => Object.values(swarmOptions(i + 1).faults.nodeFaults ?? {})).flat();
    expect(drawn.filter((faults) => (faults.storage?.latencyMeanMs ?? 0) > 0).length).toBeGreaterThan(0);
    expect(drawn.filter((faults) => (faults.storage?.stallProbability ?? 0) > 0).length).toBeGreaterThan(0);
    expect(drawn.filter((faults) => (faults.link?.delayMinMs ?? 0) > 0).length).toBeGreaterThan(0);
  });

  it('--faults none keeps a slow disk and a slow link, which are not faults, and drops the stalls', () => {
    const nodeFaults = { s1: { storage: { latencyMeanMs: 300, stallProbability: 0.1, stallMs: 5_000 }, link: { delayMinMs: 50, dropProbability: 0.1 } } };
    const kept = keepFaults({ ...NO_FAULTS, nodeFaults }, []).nodeFaults?.['s1'];
    expect(kept?.storage).toMatchObject({ latencyMeanMs: 300, stallProbability: 0 });
    expect(kept?.link).toMatchObject({ delayMinMs: 50, dropProbability: 0 });
  });
});
