/**
 * A secondary configured to take smaller values than its primary accepts: admitted, it would refuse
 * the first larger value, reconnect, be sent it again, and never get past it (about 18 closes a
 * second, found from outside the harness). The handshake refuses it instead, at once and with the
 * limit named, while the others replicate.
 */
import { describe, expect, it } from 'vitest';
import { SafetyCheckers } from '../../sim/checkers.js';
import { NO_FAULTS, SIM_LIMITS } from '../../sim/options.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

const CONVERGE_MS = 60_000;
const SMALL_VALUE_BYTES = 1_024;

describe('a secondary that takes less than its primary may send', () => {
  it('is refused at the handshake, naming the limit, backs off, and the others converge past a value it could not take', () => {
    const sim = new Simulation({ seed: 5, secondaries: 2, limits: SIM_LIMITS, faults: NO_FAULTS, nodeLimits: { s1: { valueBytesMax: SMALL_VALUE_BYTES } } });
    new SafetyCheckers().attach(sim);
    sim.write(set('small', 'v'));
    sim.write(set('large', 'v'.repeat(4 * SMALL_VALUE_BYTES)));
    expect(sim.runUntil(() => sim.converged(), CONVERGE_MS), sim.divergence() ?? '').toBe(true);
    sim.runFor(CONVERGE_MS);
    expect(sim.secondary('s2').store.live.size).toBe(2);
    expect(sim.secondary('s1').store.cursor).toBeNull();
    const closes = sim.eventsOf('s1', 'connectionClosed').map(({ event }) => (event.kind === 'connectionClosed' ? `${event.code}: ${event.reason}` : ''));
    expect(new Set(closes)).toEqual(new Set([`limits: primary reported: secondary replica-s1 takes less than this primary may send (valueBytesMax ${SMALL_VALUE_BYTES} < ${SIM_LIMITS.valueBytesMax}): raise them on the secondary`]));
    // Refused before the sync, it backs off as from any failed handshake: a handful of tries in two minutes, not thousands.
    expect(closes.length).toBeGreaterThan(3);
    expect(closes.length).toBeLessThan(200);
  });
});
