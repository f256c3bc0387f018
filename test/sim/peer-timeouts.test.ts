/**
 * Nodes with timing of their own. A primary that heartbeats every 3 s and a secondary that calls a
 * link dead after 2 s of silence: the primary heartbeat by its own interval only, so the secondary
 * closed the idle link as silent every 2 s, forever (found by reading, not by the harness: every
 * simulated node had the same timing). The secondary's HELLO now says its timeout, and the primary
 * heartbeats it often enough for it. The other way round never churned: a secondary acknowledges
 * each of the primary's heartbeats as it reads it, so a primary hears from it that often whatever
 * the secondary's own interval.
 */
import { describe, expect, it } from 'vitest';
import { SafetyCheckers } from '../../sim/checkers.js';
import { NO_FAULTS, SIM_LIMITS, SIM_TIMING } from '../../sim/options.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

const IDLE_MS = 60_000;
/** Six times the swarm's heartbeat interval and timeout: a heartbeat every 3 s, beyond the 2 s a peer on the swarm's timing waits. */
const SLOW_HEARTBEAT_MS = 3_000;
const SLOW = { heartbeatIntervalMs: SLOW_HEARTBEAT_MS, replicationTimeoutMs: 4 * SLOW_HEARTBEAT_MS };

/** Idle for a minute after one write: the closes each node saw, by code. */
function idleCloses(nodeTiming: Record<string, typeof SLOW>): string[] {
  const sim = new Simulation({ seed: 9, secondaries: 1, limits: SIM_LIMITS, timing: SIM_TIMING, faults: NO_FAULTS, nodeTiming });
  new SafetyCheckers().attach(sim);
  sim.write(set('k', 'v'));
  expect(sim.runUntil(() => sim.converged(), IDLE_MS), sim.divergence() ?? '').toBe(true);
  sim.runFor(IDLE_MS);
  return ['primary', 's1'].flatMap((node) => sim.eventsOf(node, 'connectionClosed').map(({ event }) => `${node}: ${event.kind === 'connectionClosed' ? event.code : ''}`));
}

describe('nodes whose heartbeats are slower than their peer waits', () => {
  it('a primary that heartbeats every 3 s keeps the link of a secondary that waits 2 s open', () => {
    expect(idleCloses({ primary: SLOW })).toEqual([]);
  });

  it('a secondary that heartbeats every 3 s keeps its link to a primary that waits 2 s open: its ACKs of the heartbeats are enough', () => {
    expect(idleCloses({ s1: SLOW })).toEqual([]);
  });
});
