import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioReport } from '../../../sim/arbitraries/property.js';
import { main } from '../../../sim/cli/main.js';
import { processIo } from '../../../sim/cli/io.js';
import { NO_FAULTS } from '../../../sim/options.js';
import { runSimulation } from '../../../sim/run.js';
import { REPLAY_ARGUMENT_BYTES_MAX, type Scenario, type Step } from '../../../sim/scenario.js';

/** `writes` writes of 1 KiB, then a crash: the property below fails whatever the run does. */
function failing(writes: number): Scenario {
  const data = 'v'.repeat(1_024);
  const steps: Step[] = Array.from({ length: writes }, (_, index): Step => ({ kind: 'write', call: { method: 'writeWithReplication', relativePath: `k${index}`, data } }));
  return {
    seed: 9,
    secondaries: 1,
    faults: { network: NO_FAULTS.network, storage: NO_FAULTS.storage, clocks: NO_FAULTS.clocks },
    steps: [...steps, { kind: 'crash', node: 's1' }],
  };
}

function reportOf(scenario: Scenario): string {
  const details = fc.check(fc.property(fc.constant(scenario), (_drawn: Scenario) => false), { numRuns: 1 });
  const report = scenarioReport(details);
  if (report === null) throw new Error('the property passed');
  return report;
}

describe('a failing property report', () => {
  it('replays a short scenario with its JSON on the command line', () => {
    const replay = reportOf(failing(3)).split('\n').find((line) => line.startsWith('replay: '));
    expect(replay).toMatch(/^replay: npx nadb-sim scenario '\{/);
  });

  it('saves a scenario too long for one argument to a file, which the replay line names and nadb-sim reads back', async () => {
    const scenario = failing(200);
    expect(JSON.stringify(scenario).length).toBeGreaterThan(REPLAY_ARGUMENT_BYTES_MAX);
    const lines = reportOf(scenario).split('\n');
    const replay = lines.find((line) => line.startsWith('replay: ')) ?? '';
    expect(Buffer.byteLength(replay)).toBeLessThan(REPLAY_ARGUMENT_BYTES_MAX);
    const path = /scenario @(\S+)$/.exec(replay)?.[1] ?? '';
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(scenario);
    expect(lines).toContain(`scenario: ${JSON.stringify(scenario)}`);
    const out: string[] = [];
    const io = { ...processIo(), out: (line: string) => out.push(line), err: () => undefined };
    expect(await main(['scenario', `@${path}`], io, runSimulation)).toBe(0);
    expect(out[0]).toBe('scenario  seed 9, 1 secondaries, 201 steps');
  });
});
