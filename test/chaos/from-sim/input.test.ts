/** The simulator prints, the lab parses: a scenario's replay line pasted into a shell, or given as it is, or in a file. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimScenarioError } from '../../../chaos/from-sim/error.js';
import { scenarioText } from '../../../chaos/from-sim/input.js';
import { fromSimCommand } from '../../../chaos/from-sim/scenario.js';
import { parseSimScenario } from '../../../chaos/from-sim/validate.js';
import { scenarioArb } from '../../../sim/arbitraries.js';
import { scenarioCommand, type Scenario } from '../../../sim/scenario.js';
import { simScenario, write } from './support.js';

const PRINTED = 'npx nadb-sim scenario ';

/** What the shell hands a program when the printed line's argument is pasted after it. */
function pastedInShell(line: string): string {
  return execFileSync('sh', ['-c', `printf %s ${line.slice(PRINTED.length)}`], { encoding: 'utf8' });
}

async function parsed(argument: string): Promise<Scenario> {
  return parseSimScenario(await scenarioText(argument));
}

const quoting = simScenario([write("it's", "a 'quoted' value\n\\ \u{1F600}"), { kind: 'partition', node: 's1' }]);
const drawn = fc.sample(scenarioArb({ authTokens: () => fc.constant({ primary: 'x', s1: 'x' }) }), { numRuns: 40, seed: 20261206 });

describe('--from-sim takes what the simulator prints', () => {
  it('parses the JSON of every drawn scenario as the shell passes it, unchanged', async () => {
    for (const scenario of [quoting, ...drawn]) {
      const line = scenarioCommand(scenario);
      expect(line.startsWith(PRINTED)).toBe(true);
      expect(await parsed(pastedInShell(line))).toEqual(scenario);
    }
  });

  it('takes the replay line itself, as a failing property prints it, and the lab replays its own line too', async () => {
    expect(await parsed(`replay: ${scenarioCommand(quoting)}`)).toEqual(quoting);
    expect(await parsed(scenarioCommand(quoting).replace('npx nadb-sim', 'npm run sim --'))).toEqual(quoting);
    const own = fromSimCommand(quoting);
    expect(execFileSync('sh', ['-c', `printf %s ${own.slice('npm run chaos -- --from-sim '.length)}`], { encoding: 'utf8' })).toBe(JSON.stringify(quoting));
  });

  it('reads a file holding the JSON or a property failure report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'from-sim-'));
    try {
      const report = join(dir, 'failure.txt');
      await writeFile(report, `Property failed after 4 run(s)\nreplay: ${scenarioCommand(quoting)}\nliveness: not converged\n`);
      expect(await parsed(report)).toEqual(quoting);
      const json = join(dir, 'scenario.json');
      await writeFile(json, JSON.stringify(quoting, null, 2));
      expect(await parsed(json)).toEqual(quoting);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a text that is neither, and a missing file, with a SimScenarioError', async () => {
    await expect(scenarioText('/no/such/scenario.json')).rejects.toThrow(SimScenarioError);
    await expect(scenarioText("npx nadb-sim run --seed 7")).rejects.toThrow(/none of them/);
    await expect(scenarioText(`{${' '.repeat(1 << 20)}}`)).rejects.toThrow(/more than the 1048576/);
  });
});
