import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SimScenarioError } from '../../../chaos/from-sim/error.js';
import { parseSimScenario } from '../../../chaos/from-sim/validate.js';
import { simScenario, write } from './support.js';

const valid = simScenario([write('a', 'one'), { kind: 'runFor', ms: 10 }, { kind: 'hold', from: 'primary', to: 's2' }]);

/** The scenario's JSON with one part replaced. */
function broken(change: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  change(json);
  return JSON.stringify(json);
}

describe('--from-sim checks the scenario before anything runs', () => {
  it('takes a valid scenario, the older {op} writes included', () => {
    expect(parseSimScenario(JSON.stringify(valid))).toEqual(valid);
    const older = { ...valid, steps: [{ kind: 'write', op: { type: 'SET', path: 'a', value: 'v', db: 'd', namespace: 'n', tags: [], expiresInMs: null } }] };
    expect(parseSimScenario(JSON.stringify(older))).toEqual(older);
  });

  it.each([
    ['not JSON', '{"seed":', /not JSON/],
    ['not an object', '[1]', /the scenario: must be an object/],
    ['a seed that is no integer', broken((json) => (json.seed = 1.5)), /seed: must be an integer/],
    ['too many secondaries', broken((json) => (json.secondaries = 7)), /secondaries: must be a number from 1 to 6/],
    ['missing network faults', broken((json) => delete (json.faults as Record<string, unknown>).network), /faults\.network: must be an object/],
    ['a probability above 1', broken((json) => ((json.faults as { network: Record<string, unknown> }).network.dropProbability = 2)), /faults\.network\.dropProbability: must be a number from 0 to 1/],
    ['an unknown verb', broken((json) => (json.steps = [{ kind: 'explode' }])), /steps\[0\]\.kind: must be one of "write", "runFor"/],
    ['an unknown node', broken((json) => (json.steps = [{ kind: 'crash', node: 's3' }])), /steps\[0\]\.node: must be one of "primary", "s1", "s2", got "s3"/],
    ['a call without its path', broken((json) => (json.steps = [{ kind: 'write', call: { method: 'setTags', tags: [] } }])), /steps\[0\]\.call\.path: must be a string/],
    ['tags that are not strings', broken((json) => (json.steps = [{ kind: 'write', call: { method: 'setTags', path: 'a', tags: [1] } }])), /steps\[0\]\.call\.tags\[0\]: must be a string/],
    ['a negative pause', broken((json) => (json.steps = [{ kind: 'runFor', ms: -1 }])), /steps\[0\]\.ms: must be a number from 0/],
    ['limits the core refuses', broken((json) => (json.limits = { batchBytesMax: 1e9 })), /limits or timing: a full batch must fit a frame/],
    ['a wire format of no node', broken((json) => (json.wireFormats = { s9: 'json' })), /wireFormats key: must be one of/],
    ['a failover verb, which the lab does not drive yet', broken((json) => (json.steps = [{ kind: 'promote', node: 's1' }])), /steps\[0\]\.kind: promote: not run against real processes yet/],
    ['a write to a named primary', broken((json) => (json.steps = [{ kind: 'write', node: 's1', call: { method: 'setTags', path: 'a', tags: [] } }])), /steps\[0\]\.node: a write to a named primary/],
    ['too many steps', broken((json) => (json.steps = Array.from({ length: 1_001 }, () => ({ kind: 'runFor', ms: 0 })))), /1001 steps, more than the 1000/],
  ])('refuses %s, naming the field', (_, text, message) => {
    expect(() => parseSimScenario(text)).toThrow(SimScenarioError);
    expect(() => parseSimScenario(text)).toThrow(message);
  });

  it('npm run chaos exits 64 with one line, before any process starts, for a text that is not a scenario', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'chaos/run.ts', '--from-sim', broken((json) => (json.secondaries = 0)), '--report', '/nonexistent'], { encoding: 'utf8' });
    expect(run.status).toBe(64);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/chaos: secondaries: must be a number from 1 to 6, got 0$/)]);
  });
});
