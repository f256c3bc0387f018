import { describe, expect, it } from 'vitest';
import { Simulation, SIM_EPOCH_MS } from '../../sim/simulation.js';
import { renderTimeline, type TimelineOptions } from '../../sim/timeline.js';
import type { TraceEvent } from '../../sim/trace.js';
import { set } from '../support/ops.js';

const NODES = ['primary', 's1', 's2'];
const OPTIONS: TimelineOptions = { nodes: NODES, title: 'test <run>', notes: ['a & b'], originMs: SIM_EPOCH_MS };

/** A scripted run: traffic, a partition of s1, a crash of s2, a clock jump, then everything healed. */
function scriptedTrace(): TraceEvent[] {
  const sim = new Simulation({ seed: 5, secondaries: 2, traceEventsMax: 100_000 });
  for (let i = 0; i < 20; i += 1) sim.write(set(`k${i}`, `v${i}`));
  sim.runFor(200);
  sim.partition('s1');
  sim.crash('s2');
  sim.skewClock('s1', 1_500);
  for (let i = 0; i < 20; i += 1) sim.write(set(`k${i}`, `w${i}`));
  sim.runFor(3_000);
  sim.heal();
  expect(sim.runUntil(() => sim.converged(), 60_000)).toBe(true);
  return sim.trace.events;
}

const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;
/** Every drawn element carries one hover title. */
const drawn = (html: string): number => count(html.slice(html.indexOf('<svg')), /<title>/g);

describe('timeline', () => {
  const events = scriptedTrace();

  it('is one self-contained HTML page with an SVG, one lane per node and an arrow per transmit', () => {
    const html = renderTimeline(events, OPTIONS);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(count(html, /<svg /g)).toBe(1);
    expect(count(html, /class="lane"/g)).toBe(NODES.length);
    for (const node of NODES) expect(html).toContain(`>${node}</span>`);
    expect(count(html, /class="msg down"/g)).toBeGreaterThan(5);
    expect(count(html, /class="msg up"/g)).toBeGreaterThan(5);
  });

  it('marks the partition, the crash, the clock jump and the heal', () => {
    const html = renderTimeline(events, OPTIONS);
    expect(count(html, /class="band cut"/g)).toBe(2);
    expect(count(html, /class="band down"/g)).toBe(1);
    expect(html).toContain('clock +1500 ms');
    expect(html).toContain('heal: liveness phase');
    expect(html).toContain('s2 crashed (down) from 0.');
  });

  it('escapes what it is given', () => {
    const html = renderTimeline(events, OPTIONS);
    expect(html).toContain('test &lt;run&gt;');
    expect(html).toContain('a &amp; b');
  });

  it('stays under its cap and says so when it bites', () => {
    const full = renderTimeline(events, OPTIONS);
    const arrows = count(full, /class="msg /g);
    expect(full).not.toContain('Capped');
    const capped = renderTimeline(events, { ...OPTIONS, elementsMax: 60 });
    expect(capped).toContain('Capped at 60 elements');
    expect(drawn(capped)).toBe(60);
    expect(count(capped, /class="msg /g)).toBeLessThan(arrows);
    // Faults survive the cap: only delivered segments are sampled.
    expect(count(capped, /class="band cut"/g)).toBe(2);
  });

  it('draws only the window it is asked for', () => {
    const windowed = renderTimeline(events, { ...OPTIONS, window: { fromMs: SIM_EPOCH_MS + 5_000, toMs: SIM_EPOCH_MS + 5_100 } });
    const full = renderTimeline(events, OPTIONS);
    expect(windowed).toContain('5.000 s to 5.100 s');
    expect(drawn(windowed)).toBeLessThan(drawn(full));
  });
});
