import { describe, expect, it } from 'vitest';
import { main } from '../../../sim/cli/main.js';
import type { Runner } from '../../../sim/cli/run-command.js';
import { runSimulation, type Verdict } from '../../../sim/run.js';
import { fakeIo } from './fake-io.js';

const RUN = ['run', '--seed', '3', '--ops', '40'];

describe('nadb-sim run and replay', () => {
  it('prints the option block, the verdict and the trace hash of a passing seed, and exits 0', async () => {
    const { io, out, err } = fakeIo();
    expect(await main(RUN, io, runSimulation)).toBe(0);
    expect(out[0]).toMatch(/^options {3}seed 3, \d secondaries/);
    for (const section of ['workload', 'network', 'storage', 'clocks', 'scheduled', 'limits', 'timing']) expect(out.some((line) => line.startsWith(`  ${section}`)), section).toBe(true);
    expect(out).toContain('verdict   PASS');
    expect(out.find((line) => line.startsWith('trace'))).toMatch(/^trace {5}[0-9a-f]{16}$/);
    expect(out.some((line) => line.startsWith('replay'))).toBe(false);
    expect(err).toEqual([]);
  });

  it('exits 1, 2 or 3 for a safety violation, a liveness violation or a crash, with the replay command', async () => {
    const real = runSimulation;
    const expected: [Verdict, number][] = [['safety', 1], ['liveness', 2], ['crash', 3]];
    for (const [verdict, code] of expected) {
      const failing: Runner = (options, config) => ({ ...real(options, config), verdict, message: `made-up ${verdict}` });
      const { io, out } = fakeIo();
      expect(await main(RUN, io, failing), verdict).toBe(code);
      expect(out).toContain(`verdict   ${verdict.toUpperCase()}: made-up ${verdict}`);
      expect(out.find((line) => line.startsWith('replay'))).toMatch(/^replay {4}npx nadb-sim run --seed 3 --secondaries \d --ops 40$/);
    }
  });

  it('prints the installed bin\'s replay command, and the repository\'s script beside it when run from the repository', async () => {
    const failing: Runner = (options, config) => ({ ...runSimulation(options, config), verdict: 'liveness', message: 'made up' });
    const installed = fakeIo();
    await main(RUN, installed.io, failing);
    expect(installed.out.slice(-1)).toEqual([expect.stringMatching(/^replay {4}npx nadb-sim run --seed 3 /)]);
    const clone = fakeIo({}, true);
    await main(RUN, clone.io, failing);
    const [bin, script] = clone.out.slice(-2);
    expect(bin).toMatch(/^replay {4}npx nadb-sim run --seed 3 /);
    expect(script).toBe(`${' '.repeat(10)}npm run sim -- ${bin?.slice('replay    npx nadb-sim '.length)}   (the same, as this repository's script)`);
  });

  it('replay writes the JSON-lines trace and the timeline, with the same hash as a run without them', async () => {
    const plain = fakeIo();
    await main(RUN, plain.io, runSimulation);
    const { io, out, files } = fakeIo();
    expect(await main(['replay', '--seed', '3', '--ops', '40', '--trace', 'run.jsonl', '--timeline', 'run.html'], io, runSimulation)).toBe(0);
    const hash = (lines: string[]): string | undefined => lines.find((line) => line.startsWith('trace'));
    expect(hash(out)).toBe(hash(plain.out));
    const lines = (files.get('run.jsonl') ?? '').trim().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    expect(JSON.parse(lines[0] ?? '')).toHaveProperty('kind');
    expect(files.get('run.html')).toMatch(/^<!doctype html>[\s\S]*<svg[\s\S]*<\/html>\n$/);
  });

  it('checks its output paths before running, and exits 64 saying which one', async () => {
    let runs = 0;
    const counting: Runner = (options, config) => {
      runs += 1;
      return runSimulation(options, config);
    };
    for (const argv of [[...RUN, '--timeline', '/nonexistent/x.html'], [...RUN, '--trace', '/nonexistent/t.jsonl'], ['sweep', '--seeds', '2', '--json', '/nonexistent/s.json']]) {
      const { io, out, err } = fakeIo();
      expect(await main(argv, io, counting), argv.join(' ')).toBe(64);
      expect(out).toEqual([]);
      expect(err).toEqual([`nadb-sim: cannot write ${argv.at(-2) ?? ''} ${argv.at(-1) ?? ''}: directory /nonexistent does not exist (nadb-sim --help for usage)`]);
    }
    expect(runs).toBe(0);
  });

  it('a --window after the end of the run is refused with exit 64, and nothing is written', async () => {
    const { io, err, files } = fakeIo();
    expect(await main([...RUN, '--timeline', 'late.html', '--window', '5000-5001'], io, runSimulation)).toBe(64);
    expect(err).toEqual([expect.stringMatching(/^nadb-sim: --window 5000-5001 starts after the run, which lasted \d+\.\d s of virtual time: pick A below that/)]);
    expect(files.size).toBe(0);
    const inside = fakeIo();
    expect(await main([...RUN, '--timeline', 'early.html', '--window', '0-1'], inside.io, runSimulation)).toBe(0);
    expect(inside.files.has('early.html')).toBe(true);
  });

  it('an output that cannot be written after all exits 73 with one line, not as an internal error', async () => {
    const { io, err } = fakeIo();
    const failingIo = { ...io, writeFile: () => { throw new Error('ENOSPC: no space left on device'); } };
    expect(await main([...RUN, '--trace', 'full.jsonl'], failingIo, runSimulation)).toBe(73);
    expect(err).toEqual(['nadb-sim: cannot write full.jsonl: ENOSPC: no space left on device']);
  });

  it('every command answers --help with its own usage and exit 0', async () => {
    for (const name of ['run', 'replay', 'sweep', 'merge', 'scenario']) {
      for (const argv of [[name, '--help'], [name, '--seeds', '3', '-h'], ['help', name]]) {
        const { io, out, err } = fakeIo();
        expect(await main(argv, io, runSimulation), argv.join(' ')).toBe(0);
        expect(err).toEqual([]);
        expect(out[0]).toMatch(new RegExp(`^usage: nadb-sim ${name} `));
        expect(out[0]?.split('\n\n')[0]?.match(/nadb-sim \w+/g)).toEqual([`nadb-sim ${name}`]);
        expect(out[0]).toContain('exit codes:');
      }
    }
    const { io, out } = fakeIo();
    expect(await main(['--help'], io, runSimulation)).toBe(0);
    for (const name of ['run', 'replay', 'sweep', 'merge', 'scenario']) expect(out[0]).toContain(`nadb-sim ${name}`);
  });

  it('bad arguments: exit 64 and one line on stderr, nothing on stdout', async () => {
    for (const argv of [['run', '--seed', 'nope'], ['sweep', '--seeds', '-3'], ['frobnicate']]) {
      const { io, out, err } = fakeIo();
      expect(await main(argv, io, runSimulation), argv.join(' ')).toBe(64);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^nadb-sim: .*\(nadb-sim --help for usage\)$/);
    }
  });
});
