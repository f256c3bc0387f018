import { describe, expect, it } from 'vitest';
import { toHtml } from '../../chaos/report-html.js';
import type { ScenarioResult } from '../../chaos/scenarios/run-scenario.js';

function result(overrides: Partial<ScenarioResult>): ScenarioResult {
  return {
    name: 'demo',
    faults: ['a <fault>'],
    passed: true,
    problems: [],
    convergenceMs: 120,
    writes: 10,
    ackedWrites: 10,
    figures: {},
    redisNodes: [],
    durationMs: 1_000,
    faultWindows: [{ label: 'cut & <reset>', startMs: 100, endMs: 300, ackedAtStart: 4 }],
    lagSamples: [
      { atMs: 0, lags: { 'secondary-1': 0, 'secondary-2': 0 } },
      { atMs: 200, lags: { 'secondary-1': 7, 'secondary-2': null } },
      { atMs: 400, lags: { 'secondary-1': 2, 'secondary-2': 1 } },
    ],
    ...overrides,
  };
}

function report(scenarios: readonly ScenarioResult[]): string {
  return toHtml({ startedAt: 'now', providers: { redis: 'container: r', toxiproxy: 'container: t' }, scenarios });
}

describe('chaos report.html', () => {
  it('shades each fault window and draws each secondary, leaving a gap where a reading is missing', () => {
    const html = report([result({})]);
    expect(html.match(/<rect /g)).toHaveLength(1);
    // secondary-1 is one line of three points; secondary-2's missing reading splits it into two.
    expect(html.match(/<polyline /g)).toHaveLength(3);
    expect(html).toContain('cut &amp; &lt;reset&gt;');
    expect(html).toContain('<ul class="faults"><li>a &lt;fault&gt;</li></ul>');
    expect(html).not.toContain('<reset>');
    expect(html).toContain('container: r');
  });

  it('gives the checks\u2019 verdicts, problems and a replay command', () => {
    const html = report([result({ passed: false, problems: ['secondary-1 lost acknowledged write 3'], convergenceMs: null, replay: 'npm run chaos -- --seed 7' })]);
    expect(html).toContain('FAILED');
    expect(html).toContain('secondary-1 lost acknowledged write 3');
    expect(html).toContain('converged after healing: no');
    expect(html).toContain('npm run chaos -- --seed 7');
    expect(html).toContain('0 of 1 scenarios passed');
  });

  it('fetches nothing: no external reference', () => {
    expect(report([result({})])).not.toMatch(/(src|href)=|url\(|@import/);
  });
});
