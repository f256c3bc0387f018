import type { TraceEvent } from './trace.js';
import { arrowDrawables } from './timeline/arrows.js';
import { bandDrawables, faultWindows } from './timeline/bands.js';
import { Canvas } from './timeline/canvas.js';
import { LAYERS, type Drawable } from './timeline/drawable.js';
import { LABEL_HEIGHT_PX } from './timeline/labels.js';
import { markDrawables } from './timeline/marks.js';
import { OVERVIEW_PLOT_PX, overview } from './timeline/overview.js';
import { page } from './timeline/page.js';
import { quietStretches, type QuietStretch } from './timeline/quiet.js';
import { element, escapeXml, titled } from './timeline/svg.js';
import { TimeMap } from './timeline/time-map.js';

/** Past this many drawn elements a browser grows sluggish; the page says when it was reached. */
export const TIMELINE_ELEMENTS_MAX = 20_000;
/** Browsers handle pages this tall; a longer run is drawn at a smaller scale, or in windows. */
const HEIGHT_MAX_PX = 16_000;
/** Past this, a short window would spread a few events over a screenful of empty lanes. */
const PX_PER_MS_MAX = 10;
/** What a compressed quiet stretch takes, whatever its length: in the diagram, in the overview. */
const BREAK_PX = 44;
const OVERVIEW_BREAK_PX = 72;
const TICK_SPACING_PX = 60;

export interface TimelineOptions {
  /** The primary first, then the secondaries, each with its link, left to right. */
  readonly nodes: readonly string[];
  readonly title: string;
  /** Lines under the title: the verdict's message, the hash, the replay command. */
  readonly notes: readonly string[];
  /** The virtual time shown as 0 s. */
  readonly originMs: number;
  /** Only what happens between these virtual times; the whole trace when not given. */
  readonly window?: { readonly fromMs: number; readonly toMs: number } | undefined;
  readonly elementsMax?: number;
}

/** The diagram laid out: where everything went, for the page and for checking the layout. */
export interface TimelineLayout {
  readonly canvas: Canvas;
  /** The overview chart, an SVG of the whole run. */
  readonly overview: string;
  /** The diagram's SVG content. */
  readonly body: string;
  readonly notes: readonly string[];
}

/**
 * A trace as a self-contained HTML page: an overview chart of the whole run (each node's sequence,
 * the faults, the heal), then a space-time diagram with time flowing downwards, each message an
 * arrow from its sender at the time it was sent to its receiver at the time it arrived, faults as
 * bands, the machines' events as dots. Quiet stretches after the heal are compressed in both.
 */
export function renderTimeline(events: readonly TraceEvent[], options: TimelineOptions): string {
  const layout = layoutTimeline(events, options);
  return page({ title: options.title, notes: layout.notes, canvas: layout.canvas, overview: layout.overview, body: layout.body });
}

export function layoutTimeline(events: readonly TraceEvent[], options: TimelineOptions): TimelineLayout {
  const endMs = Math.max(options.originMs, events.at(-1)?.t ?? options.originMs);
  const fromMs = options.window?.fromMs ?? options.originMs;
  const toMs = options.window?.toMs ?? endMs;
  const map = new TimeMap(fromMs, toMs, quietStretches(events, fromMs, toMs), BREAK_PX, HEIGHT_MAX_PX, PX_PER_MS_MAX);
  const canvas = new Canvas(options.nodes, map, options.originMs);
  const all = [...bandDrawables(events, endMs), ...arrowDrawables(events), ...markDrawables(events)];
  const shown = all.filter((d) => d.toMs >= fromMs && d.fromMs <= toMs && !map.hides(d.fromMs, d.toMs));
  const { kept, note } = withinCap(shown, options.elementsMax ?? TIMELINE_ELEMENTS_MAX);
  // What lies outside the window is cut off, but not a label on an event at its very edge.
  const clip = element('clipPath', { id: 'plot' }, element('rect', { x: 0, y: canvas.y(fromMs) - LABEL_HEIGHT_PX, width: canvas.width, height: canvas.y(toMs) - canvas.y(fromMs) + 2 * LABEL_HEIGHT_PX }));
  const layers = LAYERS.map((layer) => element('g', { 'clip-path': 'url(#plot)' }, kept.filter((d) => d.layer === layer).map((d) => d.draw(canvas)).join('\n'))).join('\n');
  const labels = element('g', { 'clip-path': 'url(#plot)' }, kept.map((d) => d.label?.(canvas) ?? '').join(''));
  const overviewMap = new TimeMap(options.originMs, endMs, quietStretches(events, options.originMs, endMs), OVERVIEW_BREAK_PX, OVERVIEW_PLOT_PX, Infinity);
  const chart = overview({ events, nodes: options.nodes, faults: faultWindows(events, endMs), map: overviewMap, originMs: options.originMs, window: options.window });
  const notes = [...options.notes, scaleNote(canvas, events.length, kept.length), ...(note === '' ? [] : [note])];
  return { canvas, overview: chart, body: defs() + clip + axis(canvas) + lanes(canvas) + breaks(canvas) + layers + labels, notes };
}

function scaleNote(canvas: Canvas, eventCount: number, drawnCount: number): string {
  const breaks = canvas.map.breaks;
  const quietMs = breaks.reduce((sum, b) => sum + (b.toMs - b.fromMs), 0);
  const compressed = breaks.length === 0 ? '' : `; ${(quietMs / 1_000).toFixed(1)} s of nothing but heartbeats and acknowledgements compressed into ${breaks.length} break${breaks.length === 1 ? '' : 's'}`;
  return `${canvas.time(canvas.fromMs)} to ${canvas.time(canvas.toMs)} at ${canvas.map.pxPerMs.toPrecision(3)} px per ms${compressed}; ${eventCount} trace events, ${drawnCount} elements drawn.`;
}

/** Everything but delivered segments first; then as many of those as fit, evenly sampled. */
function withinCap(drawables: readonly Drawable[], elementsMax: number): { kept: Drawable[]; note: string } {
  const essential = drawables.filter((d) => !d.sampled);
  const sampled = drawables.filter((d) => d.sampled);
  const room = Math.max(0, elementsMax - essential.length);
  if (essential.length <= elementsMax && sampled.length <= room) return { kept: [...essential, ...sampled], note: '' };
  // Keeps item i when i * room / n crosses a whole number: exactly `room` items, evenly spread.
  const kept = [...essential.slice(0, elementsMax), ...sampled.filter((_, i) => Math.floor(((i + 1) * room) / sampled.length) > Math.floor((i * room) / sampled.length))];
  const shown = essential.length > elementsMax ? `the first ${elementsMax} of ${essential.length} faults, events and drops` : `${room} of ${sampled.length} delivered transmits, evenly sampled`;
  return { kept, note: `Capped at ${elementsMax} elements: drawn ${shown}. Narrow the window (--window A-B, in seconds) to see everything.` };
}

function defs(): string {
  const head = (id: string, color: string): string =>
    element('marker', { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, element('path', { d: 'M0 0L10 5L0 10z', fill: color }));
  return element('defs', {}, head('head-down', '#2563eb') + head('head-up', '#16a34a') + head('head-fin', '#555'));
}

/** Ticks at scale: none inside a compressed stretch. */
function axis(canvas: Canvas): string {
  const ticks = canvas.map.ticks(canvas.originMs, TICK_SPACING_PX).map((t) => {
    const y = canvas.y(t);
    return element('line', { x1: canvas.axisX, y1: y, x2: canvas.width, y2: y }) + element('text', { x: canvas.axisX - 4, y: y + 3, 'text-anchor': 'end' }, canvas.time(t));
  });
  return element('g', { class: 'grid' }, ticks.join(''));
}

/** Each compressed stretch as a break across the diagram, over the lanes, that says what it hid. */
function breaks(canvas: Canvas): string {
  return canvas.map.breaks.map((b) => breakBand(canvas, b)).join('');
}

function breakBand(canvas: Canvas, stretch: QuietStretch): string {
  const y1 = canvas.y(stretch.fromMs);
  const y2 = canvas.y(stretch.toMs);
  const seconds = ((stretch.toMs - stretch.fromMs) / 1_000).toFixed(1);
  const zig = `M4 ${y1 + 8}l5 -5l5 5l5 -5M4 ${y2 - 4}l5 -5l5 5l5 -5`;
  const title = `${seconds} s compressed (${canvas.time(stretch.fromMs)} to ${canvas.time(stretch.toMs)}): nothing but heartbeats and acknowledgements, ${stretch.hidden} segments not drawn`;
  const text = `${seconds} s of heartbeats only, compressed`;
  return titled('g', { class: 'break' }, title, element('rect', { x: 0, y: y1, width: canvas.width, height: y2 - y1 }) + element('path', { d: zig }) + element('text', { x: canvas.axisX + 8, y: (y1 + y2) / 2 + 4 }, escapeXml(text)));
}

function lanes(canvas: Canvas): string {
  const y1 = canvas.y(canvas.fromMs);
  const y2 = canvas.y(canvas.toMs);
  const own = canvas.laneXs().map((x) => element('line', { class: 'lane', x1: x, y1, x2: x, y2 }));
  const ends = canvas.secondaries.map((node) => canvas.linkPrimaryX(node)).map((x) => element('line', { class: 'lane end', x1: x ?? 0, y1, x2: x ?? 0, y2 }));
  return own.join('') + ends.join('');
}
