import { PRIMARY } from '../network.js';
import type { TraceEvent } from '../trace.js';
import { describeFault, type FaultWindow } from './bands.js';
import { LABEL_CHAR_PX } from './labels.js';
import { element, escapeXml, titled } from './svg.js';
import type { TimeMap } from './time-map.js';

/** Fits a 1400 px wide window with room to spare. */
const OVERVIEW_WIDTH_PX = 1200;
const LEFT_PX = 64;
const RIGHT_PX = 24;
const LEGEND_ROW_PX = 16;
const CHART_PX = 170;
const ROW_PX = 11;
const AXIS_PX = 18;
const TICK_SPACING_PX = 70;
const BREAK_LABEL_PX_MIN = 60;
/** One colour per secondary, told apart at a glance; past the eighth they repeat, with the legend to tell. */
const SERIES_COLORS = ['#2563eb', '#16a34a', '#db2777', '#ca8a04', '#7c3aed', '#0891b2', '#ea580c', '#65a30d'];

export interface OverviewInput {
  readonly events: readonly TraceEvent[];
  readonly nodes: readonly string[];
  readonly faults: readonly FaultWindow[];
  /** Left to right, the whole run; its breaks are the compressed quiet stretches. */
  readonly map: TimeMap;
  readonly originMs: number;
  /** The span the diagram below shows, when it is not the whole run. */
  readonly window?: { readonly fromMs: number; readonly toMs: number } | undefined;
}

/** Where a node's sequence stood over the run: one step line per node, the primary's as written. */
function sequenceSeries(events: readonly TraceEvent[], node: string): { t: number; sequence: number }[] {
  const points: { t: number; sequence: number }[] = [];
  for (const event of events) {
    if (event.node !== node) continue;
    const sequence = sequenceOf(event, node);
    if (sequence !== undefined) points.push({ t: event.t, sequence });
  }
  return points;
}

function sequenceOf(event: TraceEvent, node: string): number | undefined {
  if (node === PRIMARY) return event.kind === 'event:writeApplied' ? Number(event.detail) : undefined;
  if (event.kind === 'event:applied') return Number(event.detail);
  if (event.kind === 'event:snapshotInstalled') return Number(event.detail?.split(':').at(-1));
  return undefined;
}

/**
 * The picture to look at first: each node's sequence over the run, the faults shaded where they
 * were on and which node they hit in a row per node beneath, the heal, and the stretches compressed.
 */
export function overview(input: OverviewInput): string {
  // The primary's last, on top: the line the others are measured against.
  const series = [...input.nodes.filter((node) => node !== PRIMARY), PRIMARY].map((node) => ({ node, points: sequenceSeries(input.events, node) }));
  // A loop, not Math.max(...points): a long run has more points than a call takes arguments.
  const sequenceMax = series.reduce((max, s) => s.points.reduce((m, p) => Math.max(m, p.sequence), max), 1);
  const key = legend(input.nodes);
  const chart = new OverviewChart(input.map, sequenceMax, input.nodes, input.originMs, key.heightPx);
  const parts = [
    key.svg,
    ...input.faults.map((fault) => faultShade(chart, fault)),
    ...clockJumps(chart, input.events),
    ...input.map.breaks.map((b) => breakMark(chart, b)),
    axes(chart),
    ...series.map((s) => seriesPath(chart, s.node, s.points)),
    heal(chart, input.events),
    input.window === undefined ? '' : element('rect', { class: 'window', x: chart.x(input.window.fromMs), y: chart.top, width: Math.max(2, chart.x(input.window.toMs) - chart.x(input.window.fromMs)), height: CHART_PX }),
  ];
  const pieces = JSON.stringify(input.map.pieces(LEFT_PX));
  return element('svg', { class: 'overview', 'data-pieces': pieces, xmlns: 'http://www.w3.org/2000/svg', width: OVERVIEW_WIDTH_PX, height: chart.height, viewBox: `0 0 ${OVERVIEW_WIDTH_PX} ${chart.height}` }, parts.join(''));
}

class OverviewChart {
  constructor(
    readonly map: TimeMap,
    readonly sequenceMax: number,
    readonly nodes: readonly string[],
    readonly originMs: number,
    /** Below the legend. */
    readonly top: number,
  ) {}

  x(t: number): number {
    return LEFT_PX + this.map.offsetPx(t);
  }

  y(sequence: number): number {
    return this.top + CHART_PX - (sequence / this.sequenceMax) * CHART_PX;
  }

  row(node: string): number {
    return this.top + CHART_PX + 6 + this.nodes.indexOf(node) * ROW_PX;
  }

  get right(): number {
    return this.x(this.map.toMs);
  }

  get height(): number {
    return this.top + CHART_PX + 6 + this.nodes.length * ROW_PX + AXIS_PX;
  }
}

/** The width the overview's time axis may take: what is left of its width after the margins. */
export const OVERVIEW_PLOT_PX = OVERVIEW_WIDTH_PX - LEFT_PX - RIGHT_PX;

/** A colour per secondary; past the eighth the colours come round again, dotted. */
function seriesStyle(nodes: readonly string[], node: string): Record<string, string> {
  if (node === PRIMARY) return { stroke: '#111', class: 'written' };
  const index = nodes.filter((n) => n !== PRIMARY).indexOf(node);
  const stroke = SERIES_COLORS[index % SERIES_COLORS.length] ?? '#111';
  return index < SERIES_COLORS.length ? { stroke } : { stroke, 'stroke-dasharray': '2 2' };
}

/** One entry per node, wrapped onto as many rows as the width needs. */
function legend(nodes: readonly string[]): { svg: string; heightPx: number } {
  let x = LEFT_PX;
  let row = 0;
  const entries = nodes.map((node) => {
    const text = node === PRIMARY ? 'primary: sequence written' : `${node}: applied`;
    const widthPx = 28 + text.length * LABEL_CHAR_PX;
    if (x + widthPx > OVERVIEW_WIDTH_PX - RIGHT_PX && x > LEFT_PX) [x, row] = [LEFT_PX, row + 1];
    const y = 10 + row * LEGEND_ROW_PX;
    const entry = element('line', { x1: x, y1: y, x2: x + 16, y2: y, ...seriesStyle(nodes, node) }) + element('text', { x: x + 20, y: y + 4 }, escapeXml(text));
    x += widthPx;
    return entry;
  });
  return { svg: entries.join(''), heightPx: (row + 1) * LEGEND_ROW_PX + 6 };
}

/** A step line, thinned to the last point in each pixel column, carried on to the end of the run. */
function seriesPath(chart: OverviewChart, node: string, points: readonly { t: number; sequence: number }[]): string {
  const thinned = new Map<number, number>();
  for (const point of points) thinned.set(Math.round(chart.x(point.t)), point.sequence);
  const steps = [...thinned];
  const first = steps[0];
  if (first === undefined) return '';
  const d = `M${first[0]} ${round(chart.y(first[1]))}` + steps.slice(1).map(([x, sequence]) => `H${x}V${round(chart.y(sequence))}`).join('') + `H${round(chart.right)}`;
  const last = steps.at(-1)?.[1] ?? 0;
  const title = `${node}: ${node === PRIMARY ? 'written' : 'applied'} up to ${last} by the end (${points.length} steps)`;
  const { class: written, ...style } = seriesStyle(chart.nodes, node);
  return titled('path', { class: written === undefined ? 'series' : `series ${written}`, 'data-node': node, d, ...style }, title);
}

function faultShade(chart: OverviewChart, fault: FaultWindow): string {
  const x = chart.x(fault.fromMs);
  const width = Math.max(1, chart.x(fault.toMs) - x);
  const title = `${fault.kind === 'down' ? '' : `${fault.node}: `}${describeFault(fault)}, ${seconds(chart, fault.fromMs)} to ${seconds(chart, fault.toMs)}`;
  const shade = element('rect', { x, y: chart.top, width, height: CHART_PX });
  const row = element('rect', { class: 'row', x, y: chart.row(fault.node), width, height: ROW_PX - 2 });
  return titled('g', { class: `fault ${fault.kind}`, 'data-node': fault.node }, title, shade + row);
}

function clockJumps(chart: OverviewChart, events: readonly TraceEvent[]): string[] {
  return events
    .filter((event) => event.kind === 'clock')
    .map((event) => {
      const x = chart.x(event.t);
      const title = `${event.node}: clock jumped ${Number(event.detail) > 0 ? '+' : ''}${event.detail} ms at ${seconds(chart, event.t)}`;
      return titled('g', { class: 'fault clock', 'data-node': event.node ?? '' }, title, element('rect', { x: x - 1, y: chart.top, width: 2, height: CHART_PX }) + element('rect', { class: 'row', x: x - 2, y: chart.row(event.node ?? ''), width: 4, height: ROW_PX - 2 }));
    });
}

function heal(chart: OverviewChart, events: readonly TraceEvent[]): string {
  const healMs = events.find((event) => event.kind === 'heal')?.t;
  if (healMs === undefined) return '';
  const x = chart.x(healMs);
  return titled('g', { class: 'heal' }, `every fault healed at ${seconds(chart, healMs)}: the liveness phase begins`, element('line', { x1: x, y1: chart.top, x2: x, y2: chart.top + CHART_PX }) + element('text', { x: x + 3, y: chart.top + CHART_PX - 4 }, 'heal'));
}

/** A compressed stretch: a gap in the axis with a zigzag, saying how long it was and what it hid. */
function breakMark(chart: OverviewChart, stretch: { fromMs: number; toMs: number; hidden: number }): string {
  const x1 = chart.x(stretch.fromMs);
  const x2 = chart.x(stretch.toMs);
  const top = chart.top;
  const bottom = chart.height - AXIS_PX;
  const zig = `M${round(x1)} ${top}` + Array.from({ length: 8 }, (_, i) => `L${round(x1 + (i % 2 === 0 ? 4 : 0))} ${round(top + ((i + 1) * (bottom - top)) / 8)}`).join('');
  const title = `${((stretch.toMs - stretch.fromMs) / 1_000).toFixed(1)} s compressed: only heartbeats and acknowledgements (${stretch.hidden} segments not drawn)`;
  const middle = (x1 + x2) / 2 + 2;
  const label = x2 - x1 >= BREAK_LABEL_PX_MIN
    ? element('text', { x: middle, y: top + CHART_PX / 2, 'text-anchor': 'middle' }, `${((stretch.toMs - stretch.fromMs) / 1_000).toFixed(1)} s`) + element('text', { x: middle, y: top + CHART_PX / 2 + 12, 'text-anchor': 'middle' }, 'quiet')
    : '';
  return titled('g', { class: 'break' }, title, element('rect', { x: x1, y: top, width: x2 - x1, height: bottom - top }) + element('path', { d: zig }) + label);
}

/** Time along the bottom, sequences up the side, and each fault row named. */
function axes(chart: OverviewChart): string {
  const bottom = chart.height - AXIS_PX;
  const times = chart.map.ticks(chart.originMs, TICK_SPACING_PX);
  // As many decimals as the step between ticks needs: a 20 ms run is not "0.0 s" all along.
  const stepMs = (times[1] ?? 0) - (times[0] ?? 0);
  const decimals = stepMs > 0 ? Math.max(0, Math.min(3, Math.ceil(-Math.log10(stepMs / 1_000)))) : 0;
  const ticks = times.map((t) => {
    const x = chart.x(t);
    return element('line', { x1: x, y1: chart.top, x2: x, y2: bottom }) + element('text', { x, y: bottom + 13, 'text-anchor': 'middle' }, `${((t - chart.originMs) / 1_000).toFixed(decimals)} s`);
  });
  const sequences = [0, Math.round(chart.sequenceMax / 2), chart.sequenceMax].map((s) => element('text', { x: LEFT_PX - 6, y: chart.y(s) + 3, 'text-anchor': 'end' }, String(s)));
  const rows = chart.nodes.map((node) => element('text', { x: LEFT_PX - 6, y: chart.row(node) + ROW_PX - 2, 'text-anchor': 'end', class: 'row-name' }, escapeXml(node)));
  return element('g', { class: 'grid' }, ticks.join('') + sequences.join('') + rows.join(''));
}

function seconds(chart: OverviewChart, t: number): string {
  return `${((t - chart.originMs) / 1_000).toFixed(3)} s`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
