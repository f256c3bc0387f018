import { describe, expect, it } from 'vitest';
import { Primary } from '../../src/core/primary/primary.js';
import { Secondary, type SecondaryOptions } from '../../src/core/secondary/secondary.js';
import { NO_FAULTS, SIM_LIMITS } from '../../sim/options.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';
import { EarlyAckSecondary } from '../zoo/variants/early-ack.js';

// Issue 8's case: one secondary whose disk takes 400 ms, and a burst of 4,000 writes of 200 B.
const SLOW_DISK_LATENCY_MEAN_MS = 400;
const BURST_WRITES = 4_000;
const VALUE_BYTES = 200;
const PATHS = 500;
/** The whole burst stays in the log and the pending queue: only flow control bounds anything. */
const LIMITS = { ...SIM_LIMITS, logEntriesMax: 4_096, pendingWritesMax: 4_096 };
const STREAMING_MS = 60_000;
/** 250 requests of 16 operations at 400 ms, with room to spare. */
const DRAIN_MS = 300_000;

function slowDiskCluster(secondary: (options: SecondaryOptions) => Secondary): Simulation {
  return new Simulation({
    seed: 8,
    secondaries: 1,
    limits: LIMITS,
    faults: { ...NO_FAULTS, nodeFaults: { s1: { storage: { latencyMeanMs: SLOW_DISK_LATENCY_MEAN_MS } } } },
    nodes: { primary: (options) => new Primary(options), secondary },
  });
}

/** Streams first (a full resync would carry the burst in a snapshot), then the burst at one instant. */
function burst(cluster: Simulation): boolean {
  expect(cluster.runUntil(() => cluster.converged(), STREAMING_MS), cluster.divergence() ?? '').toBe(true);
  const value = 'v'.repeat(VALUE_BYTES);
  for (let i = 0; i < BURST_WRITES; i += 1) cluster.write(set(`k/${i % PATHS}`, value));
  return cluster.runUntil(() => cluster.converged(), DRAIN_MS);
}

describe('flow control: one slow disk under a burst', () => {
  it('the real secondary holds at most the outbound budget plus one frame of work, and drains', () => {
    const cluster = slowDiskCluster((options) => new Secondary(options));
    expect(burst(cluster), cluster.divergence() ?? '').toBe(true);
  });

  it('a secondary that acknowledges frames on receipt outruns its own window, and refuses its primary for it', () => {
    const cluster = slowDiskCluster((options) => new EarlyAckSecondary(options));
    burst(cluster);
    expect(cluster.windowViolation).toMatch(/s1 refused its primary: primary sent a (operation|batch) frame while storage holds \d+ bytes of frames, above the window of 32768/);
  });
});
