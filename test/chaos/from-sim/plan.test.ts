import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlanAction } from '../../../chaos/from-sim/actions.js';
import { SimScenarioError } from '../../../chaos/from-sim/error.js';
import { FROM_SIM_LIMITS } from '../../../chaos/from-sim/limits.js';
import { planOf } from '../../../chaos/from-sim/plan.js';
import { scenarioArb } from '../../../sim/arbitraries.js';
import type { Step } from '../../../sim/scenario.js';
import { QUIET_FAULTS, simScenario, write } from './support.js';

/** Each step's actions, in the order of the steps. */
function actionsOf(steps: readonly Step[]): (readonly PlanAction[])[] {
  return planOf(simScenario(steps)).steps.map((step) => step.actions);
}

const toxic = (link: string, type: string, stream: string, name: string, attributes: Record<string, number>, toxicity = 1): PlanAction =>
  ({ kind: 'addToxic', link, toxic: { name, type, stream, toxicity, attributes } }) as PlanAction;

describe('--from-sim: each verb as a fault plan', () => {
  it('partition disables the link, repair enables it; the primary names no link', () => {
    expect(actionsOf([{ kind: 'partition', node: 's1' }, { kind: 'repair', node: 's1' }, { kind: 'partition', node: 'primary' }])).toEqual([
      [{ kind: 'disable', link: 'secondary-1' }],
      [{ kind: 'enable', link: 'secondary-1' }],
      [],
    ]);
  });

  it('partitionOneway drops one stream with timeout 0, and both ways become a partition', () => {
    expect(actionsOf([
      { kind: 'partitionOneway', from: 'primary', to: 's2' },
      { kind: 'partitionOneway', from: 's2', to: 'primary' },
      { kind: 'repair', node: 's2' },
      { kind: 'partitionOneway', from: 's1', to: 'primary' },
      { kind: 'partitionOneway', from: 's1', to: 's2' },
    ])).toEqual([
      [toxic('secondary-2', 'timeout', 'downstream', 'cut-downstream', { timeout: 0 })],
      [{ kind: 'disable', link: 'secondary-2' }, { kind: 'removeToxic', link: 'secondary-2', name: 'cut-downstream' }],
      [{ kind: 'enable', link: 'secondary-2' }],
      [toxic('secondary-1', 'timeout', 'upstream', 'cut-upstream', { timeout: 0 })],
      [],
    ]);
  });

  it('hold and release are bandwidth 0 on one stream; clog and unclog on both streams of every link of the node', () => {
    expect(actionsOf([
      { kind: 'hold', from: 'primary', to: 's1' },
      { kind: 'release', from: 'primary', to: 's1' },
      { kind: 'clog', node: 'primary' },
      { kind: 'unclog', node: 's2' },
    ])).toEqual([
      [toxic('secondary-1', 'bandwidth', 'downstream', 'hold-downstream', { rate: 0 })],
      [{ kind: 'removeToxic', link: 'secondary-1', name: 'hold-downstream' }],
      ['secondary-1', 'secondary-2'].flatMap((link) => ['downstream', 'upstream'].map((stream) => toxic(link, 'bandwidth', stream, `hold-${stream}`, { rate: 0 }))),
      ['downstream', 'upstream'].map((stream) => ({ kind: 'removeToxic', link: 'secondary-2', name: `hold-${stream}` })),
    ]);
  });

  it('crash and restart act only on a node in the other state, as the simulator does; restartPrimary kills and starts', () => {
    expect(actionsOf([
      { kind: 'restart', node: 's1' },
      { kind: 'crash', node: 's1' },
      { kind: 'crash', node: 's1' },
      { kind: 'restart', node: 's1' },
      { kind: 'restartPrimary' },
    ])).toEqual([[], [{ kind: 'kill', node: 'secondary-1' }], [], [{ kind: 'start', node: 'secondary-1' }], [{ kind: 'kill', node: 'primary' }, { kind: 'start', node: 'primary' }]]);
  });

  it('reset closes the connections of a link that has them; skewClock has no counterpart and says so', () => {
    const plan = planOf(simScenario([{ kind: 'reset', node: 's1' }, { kind: 'partition', node: 's2' }, { kind: 'reset', node: 's2' }, { kind: 'skewClock', node: 's1', deltaMs: 900 }]));
    expect(plan.steps.map((step) => step.actions)).toEqual([[{ kind: 'cut', link: 'secondary-1' }], [{ kind: 'disable', link: 'secondary-2' }], [], []]);
    expect(plan.steps[3]?.treatment).toBe('skipped');
    expect(plan.notes).toContainEqual(expect.objectContaining({ what: 'step skewClock', treatment: 'skipped' }));
  });

  it('writes go to the primary with their context, and are refused while it is down; healing starts the nodes still down', () => {
    const plan = planOf(simScenario([write('a', 'one'), { kind: 'crash', node: 'primary' }, write('b', 'two'), { kind: 'crash', node: 's2' }]));
    expect(plan.steps[0]?.actions).toEqual([{ kind: 'write', index: 0, call: { method: 'writeWithReplication', relativePath: 'a', data: 'one', ttl: null }, context: { db: 'default', namespace: 'default' } }]);
    expect(plan.steps[2]?.actions).toEqual([]);
    expect([plan.writes, plan.writesRefused]).toEqual([1, 1]);
    expect(plan.heal).toEqual([{ kind: 'start', node: 'primary' }, { kind: 'start', node: 'secondary-2' }]);
  });

  it('scales time so that the timeouts are those real processes need, and keeps the proportions', () => {
    const plan = planOf(simScenario([{ kind: 'runFor', ms: 250 }], { timing: { replicationTimeoutMs: 500, handshakeTimeoutMs: 1_000, heartbeatIntervalMs: 100 } }));
    expect(plan.settings.timeScale).toBe(4);
    expect(plan.steps[0]?.actions).toEqual([{ kind: 'wait', ms: 1_000 }]);
    expect(plan.settings.nodeOptions.primary?.timing).toMatchObject({ replicationTimeoutMs: 2_000, handshakeTimeoutMs: 4_000, heartbeatIntervalMs: 400 });
    expect(planOf(simScenario([], { timing: { replicationTimeoutMs: 8_000, handshakeTimeoutMs: 4_000 } })).settings.timeScale).toBe(1);
  });

  it('passes each node its wire format and the shared token; tokens that differ are reported as skipped', () => {
    const shared = planOf(simScenario([], { wireFormats: { primary: 'binary' }, authTokens: { primary: 't', s1: 't', s2: 't' } }));
    expect(shared.settings.nodeOptions).toMatchObject({ primary: { wireFormat: 'binary', authToken: 't' }, 'secondary-2': { wireFormat: 'json', authToken: 't' } });
    const differing = planOf(simScenario([], { authTokens: { primary: 't', s1: 'x' } }));
    expect(differing.settings.nodeOptions.primary).not.toHaveProperty('authToken');
    expect(differing.notes).toContainEqual(expect.objectContaining({ what: 'authTokens', treatment: 'skipped' }));
  });

  it('turns network delay, re-chunking and resets into standing toxics and reports the faults without a counterpart', () => {
    const faults = {
      ...QUIET_FAULTS,
      network: { ...QUIET_FAULTS.network, delayMinMs: 5, delayJitterMeanMs: 3, rechunkProbability: 0.1, resetProbability: 0.05, corruptProbability: 0.01 },
      storage: { ...QUIET_FAULTS.storage, durability: 'lazy' as const },
      clocks: { offsetMaxMs: 100, driftMaxPpm: 0 },
    };
    const plan = planOf(simScenario([], { secondaries: 1, faults, timing: { replicationTimeoutMs: 1_000 } }));
    const standing = ['latency', 'slicer', 'reset_peer'].flatMap((type) => ['downstream', 'upstream'].map((stream) => ({ kind: 'addToxic', link: 'secondary-1', toxic: expect.objectContaining({ type, stream }) })));
    expect(plan.setup).toEqual(standing);
    // The mean delay (5 + 3 ms) and the mean jitter, both times the scale (2: a 1 s replication timeout).
    expect(plan.setup[0]).toMatchObject({ toxic: { attributes: { latency: 16, jitter: 6 } } });
    expect(plan.setup[4]).toMatchObject({ toxic: { toxicity: 0.05 } });
    const skipped = plan.notes.filter((note) => note.treatment === 'skipped').map((note) => note.what);
    expect(skipped).toEqual(expect.arrayContaining(['faults: corruptProbability', 'faults: lazy durability', 'faults: clock offsets and drift']));
  });

  it('refuses a scenario whose pauses would hold the lab past its limit', () => {
    const steps: Step[] = Array.from({ length: 31 }, () => ({ kind: 'runFor', ms: 5_000 }));
    expect(() => planOf(simScenario(steps))).toThrow(SimScenarioError);
    expect(() => planOf(simScenario(steps))).toThrow(new RegExp(`more than the ${FROM_SIM_LIMITS.wallMsMax} ms`));
  });

  it('maps every step of drawn scenarios, each write sent or refused, each verb with its treatment', () => {
    for (const scenario of fc.sample(scenarioArb(), { numRuns: 100, seed: 20261206 })) {
      const plan = planOf(scenario);
      const writeSteps = scenario.steps.filter((step) => step.kind === 'write').length;
      expect(plan.writes + plan.writesRefused).toBe(writeSteps);
      expect(plan.steps.map((step) => step.index)).toEqual(scenario.steps.map((_, index) => index));
      for (const kind of new Set(scenario.steps.map((step) => step.kind))) expect(plan.notes.map((note) => note.what)).toContain(`step ${kind}`);
    }
  });
});
