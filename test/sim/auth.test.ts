import { describe, expect, it } from 'vitest';
import { SafetyCheckers } from '../../sim/checkers.js';
import { NO_FAULTS, SIM_AUTH_TOKEN, SIM_LIMITS } from '../../sim/options.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

const WRITES = 100;
const CONVERGE_MS = 60_000;

/** A cluster whose every segment is one whole frame (no faults), with the wire types each secondary was sent. */
function cluster(authTokens: Record<string, string>, secondaries: number): { sim: Simulation; typesTo: Map<string, Set<string>> } {
  const sim = new Simulation({ seed: 3, secondaries, limits: SIM_LIMITS, faults: NO_FAULTS, authTokens });
  new SafetyCheckers().attach(sim);
  const typesTo = new Map<string, Set<string>>();
  for (const { name } of sim.secondaries) {
    const types = new Set<string>();
    typesTo.set(name, types);
    sim.setFilter(name, (bytes, direction) => {
      if (direction === 'toSecondary') types.add((JSON.parse(new TextDecoder().decode(bytes.subarray(4))) as { type: string }).type);
      return 'deliver';
    });
  }
  return { sim, typesTo };
}

function writeAndConverge(sim: Simulation): void {
  for (let i = 0; i < WRITES; i += 1) {
    sim.write(set(`k/${i % 20}`, `v${i}`));
    if (i % 20 === 19) sim.runFor(100);
  }
  expect(sim.runUntil(() => sim.converged(), CONVERGE_MS), sim.divergence() ?? '').toBe(true);
  // Long enough for the refused ones to retry many times.
  sim.runFor(CONVERGE_MS);
}

describe('authentication in a simulated cluster', () => {
  it('replicates to the secondary with the token; one with another token, or none, gets nothing but the refusal', () => {
    const { sim, typesTo } = cluster({ primary: SIM_AUTH_TOKEN, s1: SIM_AUTH_TOKEN, s2: 'wrong-token' }, 3);
    writeAndConverge(sim);
    expect(sim.secondary('s1').store.live.size).toBe(20);
    expect([...typesTo.get('s1')!]).toEqual(expect.arrayContaining(['CHALLENGE', 'WELCOME', 'SYNC_RESPONSE']));
    expect([...typesTo.get('s2')!].sort()).toEqual(['CHALLENGE', 'ERROR']);
    expect([...typesTo.get('s3')!]).toEqual(['ERROR']);
    for (const name of ['s2', 's3']) {
      expect(sim.secondary(name).store.live.size).toBe(0);
      expect(sim.secondary(name).store.cursor).toBeNull();
      // Refused again on every retry, each logged with the address it came from.
      const refusals = sim.eventsOf('primary', 'connectionClosed').filter(({ event }) => event.kind === 'connectionClosed' && event.code === 'auth' && event.address?.startsWith(`sim-${name}:`) === true);
      expect(refusals.length).toBeGreaterThan(3);
    }
  });

  it('a secondary with a token refuses a primary that asks for none: it could be anyone', () => {
    const { sim, typesTo } = cluster({ s1: SIM_AUTH_TOKEN }, 2);
    writeAndConverge(sim);
    expect(sim.secondary('s2').store.live.size).toBe(20);
    expect(sim.secondary('s1').store.live.size).toBe(0);
    expect([...typesTo.get('s1')!]).toEqual(['WELCOME']);
    const refusals = sim.eventsOf('s1', 'connectionClosed').filter(({ event }) => event.kind === 'connectionClosed' && event.code === 'auth');
    expect(refusals.length).toBeGreaterThan(3);
  });
});
