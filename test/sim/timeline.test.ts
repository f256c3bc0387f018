import { describe, expect, it } from 'vitest';
import { swarmOptions } from '../../sim/options.js';
import { runSimulation } from '../../sim/run.js';
import { Simulation, SIM_EPOCH_MS } from '../../sim/simulation.js';
import { layoutTimeline, renderTimeline, type TimelineOptions } from '../../sim/timeline.js';
import { ARROW_LABELS_PX_PER_MS } from '../../sim/timeline/arrows.js';
import { overlaps, type LabelBox } from '../../sim/timeline/labels.js';
import type { TraceEvent } from '../../sim/trace.js';
import { set } from '../support/ops.js';

const NODES = ['primary', 's1', 's2'];
const OPTIONS: TimelineOptions = { nodes: NODES, title: 'test <run>', notes: ['a & b'], originMs: SIM_EPOCH_MS };
const QUIET_AFTER_CONVERGED_MS = 20_000;

/**
 * A scripted run: traffic, a partition of s1 (both ways), a crash of s2, a clock jump, then
 * everything healed, convergence, and a long quiet liveness phase.
 */
function scriptedTrace(): TraceEvent[] {
  const sim = new Simulation({ seed: 5, secondaries: 2, traceEventsMax: 100_000 });
  for (let i = 0; i < 20; i += 1) sim.write(set(`k${i}`, `v${i}`));
  sim.runFor(200);
  sim.partition('s1');
  sim.crash('s2');
  sim.skewClock('s1', 1_500);
  for (let i = 0; i < 20; i += 1) sim.write(set(`k${i}`, `w${i}`));
  // Long enough that the whole run is drawn below the scale at which arrows get labels.
  sim.runFor(12_000);
  sim.heal();
  expect(sim.runUntil(() => sim.converged(), 60_000)).toBe(true);
  sim.runFor(QUIET_AFTER_CONVERGED_MS);
  return sim.trace.events;
}

const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;
const diagramOf = (html: string): string => html.slice(html.indexOf('<svg class="diagram"'));
const overviewOf = (html: string): string => html.slice(html.indexOf('<svg class="overview"'), html.indexOf('</svg>', html.indexOf('<svg class="overview"')));
/** Every drawn element of the diagram carries one hover title; so does each break, which is no element of the trace. */
const drawn = (html: string): number => count(diagramOf(html), /<title>/g) - count(diagramOf(html), /<g class="break">/g);
const titlesOf = (html: string, element: RegExp): string[] => [...html.matchAll(element)].map((match) => match[1] ?? '');
const MSG_TITLE = /<line[^>]*class="msg [^"]*"[^>]*><title>([^<]*)<\/title>/g;

describe('timeline', () => {
  const events = scriptedTrace();
  const html = renderTimeline(events, OPTIONS);

  it('is one self-contained HTML page: the overview chart, then the diagram with a lane per node and each secondary its link', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(count(html, /<svg /g)).toBe(2);
    expect(html.indexOf('<svg class="overview"')).toBeLessThan(html.indexOf('<svg class="diagram"'));
    expect(count(html, /class="lane"/g)).toBe(NODES.length);
    expect(count(html, /class="lane end"/g)).toBe(NODES.length - 1);
    for (const node of NODES) expect(html).toContain(`>${node}</span>`);
    expect(count(html, /class="msg down"/g)).toBeGreaterThan(5);
    expect(count(html, /class="msg up"/g)).toBeGreaterThan(5);
  });

  it('overview: one sequence series per node and a shaded window for each fault, with the heal', () => {
    const overview = overviewOf(html);
    for (const node of NODES) expect(count(overview, new RegExp(`class="series[^"]*" data-node="${node}"`, 'g'))).toBe(1);
    expect(overview).toContain('class="series written" data-node="primary"');
    expect(count(overview, /class="fault cut" data-node="s1"/g)).toBe(1);
    expect(count(overview, /class="fault down" data-node="s2"/g)).toBe(1);
    expect(count(overview, /class="fault clock" data-node="s1"/g)).toBe(1);
    expect(count(overview, /class="fault /g)).toBe(3);
    expect(overview).toContain('s1: link cut (partition) both ways, 0.200 s to ');
    expect(overview).toContain('class="heal"');
    // A secondary's line ends where the primary's does: both converged on the same sequence.
    expect(overview).toMatch(/s1: applied up to (\d+) by the end[\s\S]*primary: written up to \1 by the end|primary: written up to (\d+) by the end[\s\S]*s1: applied up to \2 by the end/);
  });

  it('diagram: marks the partition, the crash, the clock jump and the heal, saying what each number is', () => {
    const diagram = diagramOf(html);
    expect(count(diagram, /class="band cut"/g)).toBe(1);
    expect(count(diagram, /class="band down"/g)).toBe(1);
    expect(diagram).toContain('s1: link cut (partition) both ways from 0.200 s');
    expect(diagram).toContain('s2 crashed from 0.200 s');
    expect(diagram).toContain('clock jumped +1500 ms');
    expect(diagram).toContain('class="heal"');
    expect(diagram).toMatch(/(full resync|continue) from \d+/);
    expect(diagram).not.toMatch(/resync (full_resync|continue)/);
  });

  it('marks a secondary whose disk lost its data, on its own lane', () => {
    const sim = new Simulation({ seed: 7, secondaries: 2, traceEventsMax: 100_000 });
    for (let i = 0; i < 10; i += 1) sim.write(set(`k${i}`, `v${i}`));
    sim.runFor(500);
    sim.loseData('s2');
    expect(sim.runUntil(() => sim.converged(), 60_000)).toBe(true);
    const diagram = diagramOf(renderTimeline(sim.trace.events, OPTIONS));
    expect(count(diagram, /class="dot lost"/g)).toBe(1);
    expect(diagram).toMatch(/<title>s2 at [^<]+: disk lost its data<\/title>/);
  });

  it('names the frames each arrow carried in its hover title', () => {
    const titles = titlesOf(html, MSG_TITLE);
    expect(titles.length).toBeGreaterThan(20);
    for (const title of titles) expect(title).toMatch(/^(HELLO|WELCOME|SYNC_REQUEST|SYNC_RESPONSE|BATCH ×\d+|SNAPSHOT #\d+|SNAPSHOT_END|ACK \d+|HEARTBEAT \d+|ERROR \w+|SET \d+|DELETE \d+)[:;]/);
    const all = titles.join('\n');
    for (const kind of ['HELLO:', 'WELCOME:', 'SYNC_REQUEST:', 'SYNC_RESPONSE:', 'ACK ', 'HEARTBEAT ']) expect(all).toContain(kind);
  });

  it('labels arrows with their frame kinds only when zoomed in', () => {
    const whole = layoutTimeline(events, OPTIONS);
    expect(whole.canvas.map.pxPerMs).toBeLessThan(ARROW_LABELS_PX_PER_MS);
    expect(whole.body).not.toContain('class="frame"');
    const zoomed = layoutTimeline(events, { ...OPTIONS, window: { fromMs: SIM_EPOCH_MS, toMs: SIM_EPOCH_MS + 500 } });
    expect(zoomed.canvas.map.pxPerMs).toBeGreaterThanOrEqual(ARROW_LABELS_PX_PER_MS);
    expect(count(zoomed.body, /<text[^>]*class="frame">(HELLO|WELCOME|SYNC_REQUEST|SYNC_RESPONSE|BATCH ×\d+|SNAPSHOT #\d+|SNAPSHOT_END|ACK \d+|SET \d+)/g)).toBeGreaterThan(5);
  });

  it('compresses the quiet liveness phase and marks each break on the axis', () => {
    const { canvas, body } = layoutTimeline(events, OPTIONS);
    const breaks = canvas.map.breaks;
    expect(breaks.length).toBeGreaterThan(0);
    const quietMs = breaks.reduce((sum, b) => sum + b.toMs - b.fromMs, 0);
    expect(quietMs).toBeGreaterThan(QUIET_AFTER_CONVERGED_MS / 2);
    expect(count(body, /<g class="break">/g)).toBe(breaks.length);
    expect(count(body, /s of heartbeats only, compressed<\/text>/g)).toBe(breaks.length);
    expect(body).toMatch(/\d+\.\d s compressed \([\d.]+ s to [\d.]+ s\): nothing but heartbeats and acknowledgements, \d+ segments not drawn/);
    expect(overviewOf(html)).toContain('class="break"');
    // No tick inside a break, and the page says how much it compressed.
    const ticks = titlesOf(body, /text-anchor="end">([\d.]+) s<\/text>/g).map((s) => SIM_EPOCH_MS + Number(s) * 1_000);
    for (const b of breaks) expect(ticks.filter((t) => t > b.fromMs && t < b.toMs)).toEqual([]);
    expect(html).toMatch(/s of nothing but heartbeats and acknowledgements compressed into \d+ breaks?/);
    // Most of the run is quiet, yet it takes a small part of the page.
    const endMs = events.at(-1)?.t ?? 0;
    const quietShare = breaks.reduce((sum, b) => sum + canvas.y(b.toMs) - canvas.y(b.fromMs), 0) / (canvas.y(endMs) - canvas.y(SIM_EPOCH_MS));
    expect(quietMs / (endMs - SIM_EPOCH_MS)).toBeGreaterThan(0.5);
    expect(quietShare).toBeLessThan(0.05);
  });

  it('gives both charts their time maps, so that a click on the overview finds the same moment below', () => {
    const piecesOf = (svgClass: string): number[][] => JSON.parse((new RegExp(`<svg class="${svgClass}" data-pieces="([^"]*)"`).exec(html)?.[1] ?? '[]').replace(/&quot;/g, '"')) as number[][];
    const [overview, diagram] = [piecesOf('overview'), piecesOf('diagram')];
    const { canvas } = layoutTimeline(events, OPTIONS);
    expect(overview.length).toBeGreaterThan(1);
    expect(overview.map(([from, to]) => [from, to])).toEqual(diagram.map(([from, to]) => [from, to]));
    for (const [from, , fromPx] of diagram) expect(fromPx).toBeCloseTo(canvas.y(from ?? 0), 1);
  });

  it('clips no label of an event at the very top or bottom of what it draws', () => {
    const edges: TraceEvent[] = [
      { t: 0, kind: 'event:ready', node: 'primary', detail: '' },
      { t: 1_000, kind: 'event:resync', node: 's1', detail: 'continue 5' },
    ];
    const { canvas, body } = layoutTimeline(edges, { ...OPTIONS, originMs: 0 });
    const [, top = '0', height = '0'] = /<clipPath id="plot"><rect x="0" y="([\d.-]+)" width="[\d.]+" height="([\d.]+)"\/>/.exec(body) ?? [];
    const boxes = canvas.labels.boxes();
    expect(boxes).toHaveLength(2);
    for (const box of boxes) {
      expect(box.y).toBeGreaterThanOrEqual(Number(top));
      expect(box.y + box.height).toBeLessThanOrEqual(Number(top) + Number(height));
    }
  });

  it('escapes what it is given', () => {
    expect(html).toContain('test &lt;run&gt;');
    expect(html).toContain('a &amp; b');
  });

  it('stays under its cap and says so when it bites', () => {
    const arrows = count(html, /class="msg /g);
    expect(html).not.toContain('Capped');
    const capped = renderTimeline(events, { ...OPTIONS, elementsMax: 60 });
    expect(capped).toContain('Capped at 60 elements');
    expect(drawn(capped)).toBe(60);
    expect(count(capped, /class="msg /g)).toBeLessThan(arrows);
    // Faults survive the cap: only delivered segments are sampled.
    expect(count(diagramOf(capped), /class="band cut"/g)).toBe(1);
  });

  it('draws only the window it is asked for', () => {
    const windowed = renderTimeline(events, { ...OPTIONS, window: { fromMs: SIM_EPOCH_MS + 5_000, toMs: SIM_EPOCH_MS + 5_100 } });
    expect(windowed).toContain('5.000 s to 5.100 s');
    expect(drawn(windowed)).toBeLessThan(drawn(html));
    expect(overviewOf(windowed)).toContain('class="window"');
  });
});

describe('timeline of eight secondaries', () => {
  const options = swarmOptions(7, { secondaries: 8 });
  const result = runSimulation(options, { traceEventsMax: 2_000_000 });
  const nodes = [result.sim.primary.name, ...result.sim.secondaries.map((host) => host.name)];
  const timelineOptions: TimelineOptions = { nodes, title: 'eight', notes: [], originMs: SIM_EPOCH_MS };

  it('places labels without overlaps, inside the page, clear of every link an arrow crosses', () => {
    for (const window of [undefined, { fromMs: SIM_EPOCH_MS, toMs: SIM_EPOCH_MS + 1_000 }]) {
      const { canvas } = layoutTimeline(result.sim.trace.events, { ...timelineOptions, window });
      const boxes = canvas.labels.boxes();
      expect(boxes.length).toBeGreaterThan(40);
      expect(overlapping(boxes)).toEqual([]);
      for (const box of boxes) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(canvas.width);
      }
      const spans = canvas.secondaries.map((node) => ({ node, left: canvas.linkPrimaryX(node) ?? 0, right: canvas.x(node) ?? 0 }));
      // A label inside a link's span is that link's arrow label; it stays inside that one span.
      const stray = boxes.filter((box) => spans.filter((s) => box.x < s.right && s.left < box.x + box.width).length > 1);
      expect(stray).toEqual([]);
      const crossingLanes = boxes.filter((box) => canvas.laneXs().some((x) => box.x < x && x < box.x + box.width));
      expect(crossingLanes).toEqual([]);
    }
  });

  it('draws every arrow within its own link: from the primary end of it to the secondary', () => {
    const { canvas, body } = layoutTimeline(result.sim.trace.events, timelineOptions);
    const ends = new Map(canvas.secondaries.map((node) => [canvas.linkPrimaryX(node), canvas.x(node)]));
    const arrows = [...body.matchAll(/<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"[^>]*class="msg (down|up)"/g)];
    expect(arrows.length).toBeGreaterThan(100);
    for (const [, x1, x2, direction] of arrows) {
      const [primaryEnd, secondary] = direction === 'down' ? [Number(x1), Number(x2)] : [Number(x2), Number(x1)];
      expect(ends.get(primaryEnd)).toBe(secondary);
    }
  });

  it('names a BATCH and its operation count, and snapshot chunks, in their hover titles', () => {
    const titles = titlesOf(renderTimeline(result.sim.trace.events, timelineOptions), MSG_TITLE).join('\n');
    expect(titles).toMatch(/SNAPSHOT #0: SNAPSHOT_CHUNK of \d+ entries/);
    expect(titles).toMatch(/SNAPSHOT_END: \d+ chunks, \d+ entries, consistent at \d+/);
    expect(titles).toMatch(/BATCH ×(\d+): operations (\d+) to (\d+)/);
    for (const [, size, first, last] of titles.matchAll(/BATCH ×(\d+): operations (\d+) to (\d+)/g)) expect(Number(last) - Number(first) + 1).toBe(Number(size));
  });

  it('renders the same page for the same seed', () => {
    const again = runSimulation(options, { traceEventsMax: 2_000_000 });
    expect(renderTimeline(again.sim.trace.events, timelineOptions)).toBe(renderTimeline(result.sim.trace.events, timelineOptions));
  });
});

/** The pairs of boxes that overlap, found by a sweep down the page. */
function overlapping(boxes: readonly LabelBox[]): [LabelBox, LabelBox][] {
  const sorted = [...boxes].sort((a, b) => a.y - b.y);
  const pairs: [LabelBox, LabelBox][] = [];
  for (let i = 0; i < sorted.length; i += 1) {
    const a = sorted[i] as LabelBox;
    for (let j = i + 1; j < sorted.length && (sorted[j] as LabelBox).y < a.y + a.height; j += 1) {
      if (overlaps(a, sorted[j] as LabelBox)) pairs.push([a, sorted[j] as LabelBox]);
    }
  }
  return pairs;
}
