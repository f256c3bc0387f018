import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../sim/cli/args.js';
import { UsageError } from '../../../sim/cli/usage.js';

describe('nadb-sim arguments', () => {
  it('reads run with its options', () => {
    expect(parseCommand(['run', '--seed', '7', '--secondaries', '3', '--ops', '500', '--timeline', 't.html', '--window', '1.5-3'])).toEqual({
      name: 'run',
      seed: 7,
      secondaries: 3,
      operations: 500,
      tracePath: undefined,
      timelinePath: 't.html',
      window: { fromS: 1.5, toS: 3 },
    });
  });

  it('reads sweep with two workers from seed 1 by default', () => {
    expect(parseCommand(['sweep', '--seeds', '10'])).toEqual({ name: 'sweep', count: 10, from: 1, shard: { index: 1, total: 1 }, workers: 2, secondaries: undefined, operations: undefined });
    expect(parseCommand(['sweep', '--seeds', '10', '--from', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', '--workers', '4'])).toMatchObject({ from: 0xa94a8fe5, workers: 4 });
  });

  it('reads a shard as K/N, or as N with the Indexed Job index from 0, and merge with its files', () => {
    expect(parseCommand(['sweep', '--seeds', '10', '--shard', '2/5', '--json', 's.json'])).toMatchObject({ shard: { index: 2, total: 5 }, jsonPath: 's.json' });
    expect(parseCommand(['sweep', '--seeds', '10', '--shard', '5'], { JOB_COMPLETION_INDEX: '4' })).toMatchObject({ shard: { index: 5, total: 5 } });
    expect(parseCommand(['sweep', '--seeds', '10', '--shard', '1/5'], { JOB_COMPLETION_INDEX: '4' })).toMatchObject({ shard: { index: 1, total: 5 } });
    expect(parseCommand(['merge', 'a.json', 'b.json', '--json', 'm.json'])).toEqual({ name: 'merge', paths: ['a.json', 'b.json'], jsonPath: 'm.json' });
    for (const index of ['5', '-1', 'x']) expect(() => parseCommand(['sweep', '--seeds', '10', '--shard', '5'], { JOB_COMPLETION_INDEX: index }), index).toThrow(UsageError);
  });

  it('refuses what it does not understand', () => {
    const bad = [
      [],
      ['walk'],
      ['run'],
      ['run', '--seed'],
      ['run', '--seed', '1', '--bogus'],
      ['run', '--seed', '1', 'extra'],
      ['run', '--seed', '1', '--ops', '0'],
      ['run', '--seed', '1', '--secondaries', 'two'],
      ['run', '--seed', '1', '--timeline', 't.html', '--window', '3-1'],
      ['run', '--seed', '1', '--window', '1-3'],
      ['replay', '--seed', '1', '--trace', 't.jsonl'],
      ['sweep'],
      ['sweep', '--seeds', '5', '--workers', '0'],
      ['sweep', '--seeds', '5', '--seed', '1'],
    ];
    for (const argv of bad) expect(() => parseCommand(argv), argv.join(' ')).toThrow(UsageError);
  });
});
