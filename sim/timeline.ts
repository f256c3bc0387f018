import type { TraceEvent } from './trace.js';
import { arrowDrawables } from './timeline/arrows.js';
import { bandDrawables } from './timeline/bands.js';
import { Canvas } from './timeline/canvas.js';
import { LAYERS, type Drawable } from './timeline/drawable.js';
import { markDrawables } from './timeline/marks.js';
import { page } from './timeline/page.js';
import { element } from './timeline/svg.js';

/** Past this many drawn elements a browser grows sluggish; the page says when it was reached. */
export const TIMELINE_ELEMENTS_MAX = 20_000;

export interface TimelineOptions {
  /** One lane per node, left to right: the primary first. */
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

/**
 * A space-time diagram of a trace as a self-contained HTML page: one lane per node, time flowing
 * downwards, each message an arrow from its sender at the time it was sent to its receiver at the
 * time it arrived, faults as bands on the lanes, the machines' events as dots.
 */
export function renderTimeline(events: readonly TraceEvent[], options: TimelineOptions): string {
  const endMs = events.at(-1)?.t ?? options.originMs;
  const fromMs = options.window?.fromMs ?? options.originMs;
  const toMs = options.window?.toMs ?? endMs;
  const canvas = new Canvas(options.nodes, fromMs, toMs, options.originMs);
  const inWindow = [...bandDrawables(events, endMs), ...arrowDrawables(events), ...markDrawables(events)].filter((d) => d.toMs >= fromMs && d.fromMs <= toMs);
  const { kept, note } = withinCap(inWindow, options.elementsMax ?? TIMELINE_ELEMENTS_MAX);
  const clip = element('clipPath', { id: 'plot' }, element('rect', { x: 0, y: canvas.y(fromMs), width: canvas.width, height: canvas.y(toMs) - canvas.y(fromMs) }));
  const layers = LAYERS.map((layer) => element('g', { 'clip-path': 'url(#plot)' }, kept.filter((d) => d.layer === layer).map((d) => d.draw(canvas)).join('\n'))).join('\n');
  const scale = `${canvas.time(fromMs)} to ${canvas.time(toMs)} at ${canvas.pxPerMs.toPrecision(3)} px per ms; ${events.length} trace events, ${kept.length} elements drawn.`;
  return page({ title: options.title, notes: [...options.notes, scale, ...(note === '' ? [] : [note])], canvas, body: defs() + clip + axis(canvas) + lanes(canvas) + layers });
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

function axis(canvas: Canvas): string {
  const ticks = canvas.ticks().map((t) => {
    const y = canvas.y(t);
    return element('line', { x1: canvas.axisX, y1: y, x2: canvas.width, y2: y }) + element('text', { x: canvas.axisX - 4, y: y + 3, 'text-anchor': 'end' }, canvas.time(t));
  });
  return element('g', { class: 'grid' }, ticks.join(''));
}

function lanes(canvas: Canvas): string {
  const lines = canvas.laneNames.map((node) => {
    const x = canvas.x(node) ?? 0;
    return element('line', { class: 'lane', x1: x, y1: canvas.y(canvas.fromMs), x2: x, y2: canvas.y(canvas.toMs) });
  });
  return lines.join('');
}
