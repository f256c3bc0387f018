import { describe, expect, it } from 'vitest';
import { main } from '../../../sim/cli/main.js';
import { runSimulation } from '../../../sim/run.js';
import { fakeIo } from './fake-io.js';

const SWEEP = ['sweep', '--seeds', '7', '--from', '40', '--ops', '40', '--workers', '2'];
const SHARDS = 3;

/** The summary lines: what a sweep prints between its header and its wall-clock line. */
const summary = (out: readonly string[]): string[] => out.slice(1).filter((line) => !line.startsWith('wall'));

describe('nadb-sim sweep --shard and merge', () => {
  it('merged shards print what the unsharded sweep prints, and write the same JSON', async () => {
    const whole = fakeIo();
    expect(await main([...SWEEP, '--json', 'whole.json'], whole.io, runSimulation)).toBe(0);
    const shards = fakeIo();
    for (let index = 1; index <= SHARDS; index += 1) {
      const flags = index === SHARDS ? ['--shard', String(SHARDS)] : ['--shard', `${index}/${SHARDS}`];
      const { io, out, files } = fakeIo({ JOB_COMPLETION_INDEX: String(SHARDS - 1) });
      expect(await main([...SWEEP, ...flags, '--json', `shard-${index}.json`], io, runSimulation)).toBe(0);
      expect(out[0]).toMatch(new RegExp(`^sweep {5}shard ${index}/${SHARDS} \\(\\d seeds from \\d+\\) of 7 seeds from 40,`));
      shards.files.set(`shard-${index}.json`, files.get(`shard-${index}.json`) ?? '');
    }
    const paths = ['shard-3.json', 'shard-1.json', 'shard-2.json'];
    expect(await main(['merge', ...paths, '--json', 'merged.json'], shards.io, runSimulation)).toBe(0);
    expect(shards.out[0]).toBe('merge     3 shards of 7 seeds from 40');
    expect(summary(shards.out)).toEqual(summary(whole.out));
    expect(shards.files.get('merged.json')).toBe(whole.files.get('whole.json'));
  });

  it('merge exits 1 when a shard holds a failing seed, and lists it', async () => {
    const { io, out, files } = fakeIo();
    expect(await main([...SWEEP, '--json', 'whole.json'], io, runSimulation)).toBe(0);
    const file = JSON.parse(files.get('whole.json') ?? '') as { results: { verdict: string; message: string }[]; verdicts: Record<string, number>; hash: string };
    file.results[2] = { ...file.results[2]!, verdict: 'safety', message: 'made-up safety' };
    file.verdicts = { ...file.verdicts, pass: 6, safety: 1 };
    files.set('failing.json', JSON.stringify(file));
    out.length = 0;
    expect(await main(['merge', 'failing.json'], io, runSimulation)).toBe(1);
    expect(out).toContain('  seed 42  safety: made-up safety');
  });

  it('bad shards and bad files are usage errors, exit 64 with one line', async () => {
    const { io, files } = fakeIo();
    files.set('junk.json', '{"format": "something else"}');
    const bad = [
      [...SWEEP, '--shard', '0/3'],
      [...SWEEP, '--shard', '4/3'],
      [...SWEEP, '--shard', '3'],
      [...SWEEP, '--shard', '8/8'],
      [...SWEEP, '--shard', 'a/b'],
      ['merge'],
      ['merge', 'absent.json'],
      ['merge', 'junk.json'],
    ];
    for (const argv of bad) {
      const err: string[] = [];
      expect(await main(argv, { ...io, err: (line) => err.push(line) }, runSimulation), argv.join(' ')).toBe(64);
      expect(err, argv.join(' ')).toHaveLength(1);
    }
  });
});
