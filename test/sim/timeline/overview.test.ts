import { describe, expect, it } from 'vitest';
import { faultWindows } from '../../../sim/timeline/bands.js';
import { LABEL_CHAR_PX } from '../../../sim/timeline/labels.js';
import { OVERVIEW_PLOT_PX, overview } from '../../../sim/timeline/overview.js';
import { TimeMap } from '../../../sim/timeline/time-map.js';
import type { TraceEvent } from '../../../sim/trace.js';

const WIDTH_PX = 1_200;
const map = (toMs: number): TimeMap => new TimeMap(0, toMs, [], 40, OVERVIEW_PLOT_PX, Infinity);
const nodesOf = (secondaries: number): string[] => ['primary', ...Array.from({ length: secondaries }, (_, i) => `s${i + 1}`)];

describe('overview', () => {
  it('keeps its legend inside its width, on more rows, for sixteen secondaries', () => {
    const nodes = nodesOf(16);
    const svg = overview({ events: [], nodes, faults: [], map: map(1_000), originMs: 0 });
    const entries = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)">((?:primary|s\d+): [a-z ]+)<\/text>/g)];
    expect(entries).toHaveLength(nodes.length);
    for (const [, x, , text] of entries) expect(Number(x) + (text ?? '').length * LABEL_CHAR_PX).toBeLessThanOrEqual(WIDTH_PX);
    expect(new Set(entries.map(([, , y]) => y)).size).toBeGreaterThan(1);
  });

  it('labels its time axis with as many decimals as its ticks need', () => {
    const ticks = (toMs: number): string[] => [...overview({ events: [], nodes: nodesOf(1), faults: [], map: map(toMs), originMs: 0 }).matchAll(/text-anchor="middle">([\d.]+ s)<\/text>/g)].map(([, text]) => text ?? '');
    const short = ticks(24);
    expect(short.length).toBeGreaterThan(3);
    expect(new Set(short).size).toBe(short.length);
    expect(short).toContain('0.010 s');
    expect(ticks(30_000)).toContain('10 s');
  });

  it('plots each node from its own events: written on the primary, applied and installed on a secondary', () => {
    const events: TraceEvent[] = [
      { t: 100, kind: 'event:writeApplied', node: 'primary', detail: '5' },
      { t: 200, kind: 'event:snapshotInstalled', node: 's1', detail: 'abc:4' },
      { t: 300, kind: 'event:applied', node: 's1', detail: '5' },
      { t: 300, kind: 'event:applied', node: 's2', detail: '2' },
    ];
    const svg = overview({ events, nodes: nodesOf(2), faults: [], map: map(1_000), originMs: 0 });
    expect(svg).toContain('primary: written up to 5 by the end (1 steps)');
    expect(svg).toContain('s1: applied up to 5 by the end (2 steps)');
    expect(svg).toContain('s2: applied up to 2 by the end (1 steps)');
  });

  it('shades each fault window once, on the chart and in its node\'s row', () => {
    const events: TraceEvent[] = [
      { t: 100, kind: 'partition', from: 's1', to: 'primary' },
      { t: 100, kind: 'partition', from: 'primary', to: 's1' },
      { t: 150, kind: 'hold', from: 'primary', to: 's2' },
      { t: 200, kind: 'crash', node: 's2' },
      { t: 250, kind: 'release', from: 'primary', to: 's2' },
      { t: 300, kind: 'repair', from: 's1', to: 'primary' },
      { t: 400, kind: 'restart', node: 's2' },
      { t: 500, kind: 'clock', node: 's1', detail: '-700' },
      { t: 600, kind: 'heal' },
    ];
    const svg = overview({ events, nodes: nodesOf(2), faults: faultWindows(events, 1_000), map: map(1_000), originMs: 0 });
    expect([...svg.matchAll(/class="fault (\w+)" data-node="(\w+)"/g)].map(([, kind, node]) => `${kind} ${node}`)).toEqual(['cut s1', 'held s2', 'down s2', 'clock s1']);
    expect(svg).toContain('s1: link cut (partition) both ways, 0.100 s to 0.300 s');
    expect(svg).toContain('s2: link held (clogged), segments wait primary → s2, 0.150 s to 0.250 s');
    expect(svg).toContain('s1: clock jumped -700 ms at 0.500 s');
    expect([...svg.matchAll(/class="row"/g)]).toHaveLength(4);
    expect(svg).toContain('every fault healed at 0.600 s');
  });
});
