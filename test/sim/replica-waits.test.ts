import { describe, expect, it } from 'vitest';
import { Primary } from '../../src/core/primary/primary.js';
import { NO_FAULTS } from '../../sim/options.js';
import { Simulation, type NodeFactories } from '../../sim/simulation.js';
import { Secondary } from '../../src/core/secondary/secondary.js';
import { set } from '../support/ops.js';

const STREAMING_MS = 60_000;
const WRITES = 20;
const DURABLE_ON_TWO = { replicas: 2, timeoutMs: 5_000, durable: true };

/** A primary that counts a write durable on its secondaries one sequence before they say so. */
class EarlyCountingPrimary extends Primary {
  override sequenceHeldBy(replicas: number, durable: boolean): number {
    const held = super.sequenceHeldBy(replicas, durable);
    return held === 0 ? 0 : held + 1;
  }
}

function cluster(primary: NodeFactories['primary']): Simulation {
  const sim = new Simulation({ seed: 11, secondaries: 2, faults: NO_FAULTS, nodes: { primary, secondary: (options) => new Secondary(options) } });
  expect(sim.runUntil(() => sim.converged(), STREAMING_MS), sim.divergence() ?? '').toBe(true);
  for (let index = 0; index < WRITES; index += 1) {
    sim.offerWrite('primary', set(`k${index}`, 'v'), DURABLE_ON_TWO);
    sim.runFor(37);
  }
  sim.runFor(STREAMING_MS);
  return sim;
}

describe("writers waiting for secondaries (minReplicas), as PrimaryNode's wait, checked against the disks", () => {
  it('tells each writer once both disks hold its write durably', () => {
    const sim = cluster((options) => new Primary(options));
    expect(sim.replicaWaits).toEqual({ waited: WRITES, acknowledged: WRITES, refused: 0 });
    expect(sim.replicaAckViolation).toBeNull();
  });

  it('catches a primary that tells a writer before the disks hold its write', () => {
    const sim = cluster((options) => new EarlyCountingPrimary(options));
    expect(sim.replicaAckViolation).toMatch(/is durable on minReplicas 2; the disks of [01] secondaries hold it/);
  });
});
