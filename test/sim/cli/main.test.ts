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
      expect(out.find((line) => line.startsWith('replay'))).toMatch(/^replay {4}npm run sim -- run --seed 3 --secondaries \d --ops 40$/);
    }
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
