import { describe, expect, it } from 'vitest';
import { main } from '../../../sim/cli/main.js';
import { runSimulation } from '../../../sim/run.js';
import { scenarioCommand, type Scenario } from '../../../sim/scenario.js';
import { NO_FAULTS } from '../../../sim/options.js';
import { fakeIo } from './fake-io.js';

const SCENARIO: Scenario = {
  seed: 5,
  secondaries: 1,
  faults: { network: NO_FAULTS.network, storage: NO_FAULTS.storage, clocks: NO_FAULTS.clocks },
  steps: [{ kind: 'crash', node: 's1' }, { kind: 'runFor', ms: 250 }, { kind: 'restart', node: 's1' }],
} as unknown as Scenario;

describe('nadb-sim scenario', () => {
  it('replays the JSON a failing property prints, and writes its timeline', async () => {
    const json = /scenario '(.*)'$/.exec(scenarioCommand(SCENARIO))?.[1]?.replaceAll("'\\''", "'") ?? '';
    const { io, out, files } = fakeIo();
    expect(await main(['scenario', json, '--timeline', 'scenario.html'], io, runSimulation)).toBe(0);
    expect(out).toContain('verdict   PASS');
    expect(out[0]).toBe('scenario  seed 5, 1 secondaries, 3 steps');
    expect(files.get('scenario.html')).toContain('<svg');
  });

  it('reads the scenario from @FILE, and refuses a file it cannot read with one line and exit 64', async () => {
    const { io, out, files } = fakeIo();
    files.set('scenario.json', JSON.stringify(SCENARIO));
    expect(await main(['scenario', '@scenario.json'], io, runSimulation)).toBe(0);
    expect(out[0]).toBe('scenario  seed 5, 1 secondaries, 3 steps');
    const missing = fakeIo();
    expect(await main(['scenario', '@missing.json'], missing.io, runSimulation)).toBe(64);
    expect(missing.err).toEqual([expect.stringContaining('cannot read the scenario from missing.json')]);
  });

  it('refuses what is not a scenario with one line and exit 64', async () => {
    for (const argv of [['scenario'], ['scenario', '{not json'], ['scenario', JSON.stringify({ ...SCENARIO, steps: [{ kind: 'crash', node: 's9' }] })]]) {
      const { io, err } = fakeIo();
      expect(await main(argv, io, runSimulation), argv.join(' ')).toBe(64);
      expect(err).toHaveLength(1);
    }
  });
});
