import { PRIMARY } from '../network.js';
import type { TraceEvent } from '../trace.js';
import type { Canvas } from './canvas.js';
import type { Drawable } from './drawable.js';
import { element, titled } from './svg.js';

type BandKind = 'down' | 'cut' | 'held';

/** A fault that lasts: a crashed node, a cut (partitioned) link, a held (clogged) link. */
interface Band {
  readonly kind: BandKind;
  /** The lane it is drawn on: the node, or the secondary end of the link. */
  readonly lane: string;
  /** For a link: 'in' if it carries data into the lane's node, 'out' if out of it. */
  readonly side: 'in' | 'out' | 'node';
  readonly what: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** x offset from the lane's centre and width, px: links in on the left, out on the right. */
const GEOMETRY: Record<BandKind, Record<Band['side'], [number, number]>> = {
  down: { node: [-40, 80], in: [0, 0], out: [0, 0] },
  cut: { in: [-16, 8], out: [8, 8], node: [0, 0] },
  held: { in: [-28, 8], out: [20, 8], node: [0, 0] },
};
const LABELS: Record<BandKind, string> = { down: 'crashed', cut: 'cut', held: 'held' };

/** Pairs each fault with what ends it; a fault still on at the end of the trace lasts to its end. */
export function bandDrawables(events: readonly TraceEvent[], endMs: number): Drawable[] {
  const open = new Map<string, { kind: BandKind; from: string; to: string; fromMs: number }>();
  const bands: Band[] = [];
  const end = (key: string, toMs: number): void => {
    const started = open.get(key);
    if (started === undefined) return;
    open.delete(key);
    bands.push(band(started.kind, started.from, started.to, started.fromMs, toMs));
  };
  const start = (kind: BandKind, from: string, to: string, t: number): void => {
    const key = bandKey(kind, from, to);
    if (!open.has(key)) open.set(key, { kind, from, to, fromMs: t });
  };
  for (const event of events) {
    const from = event.from ?? event.node ?? '';
    const to = event.to ?? '';
    if (event.kind === 'crash') start('down', from, from, event.t);
    else if (event.kind === 'restart') end(bandKey('down', from, from), event.t);
    else if (event.kind === 'partition') start('cut', from, to, event.t);
    else if (event.kind === 'hold') start('held', from, to, event.t);
    else if (event.kind === 'release') end(bandKey('held', from, to), event.t);
    else if (event.kind === 'repair') for (const key of [...open.keys()].filter((key) => isRepaired(key, from, to))) end(key, event.t);
  }
  for (const key of [...open.keys()]) end(key, endMs);
  return bands.sort((a, b) => a.fromMs - b.fromMs).map((b) => ({ layer: 'band', fromMs: b.fromMs, toMs: b.toMs, sampled: false, draw: (canvas) => drawBand(canvas, b) }));
}

/** repair(a, b) heals both directions between a and b; repair('*', '*') heals every cut. */
function isRepaired(key: string, a: string, b: string): boolean {
  return key.startsWith('cut|') && (a === '*' || key === bandKey('cut', a, b) || key === bandKey('cut', b, a));
}

function bandKey(kind: BandKind, from: string, to: string): string {
  return `${kind}|${from}>${to}`;
}

function band(kind: BandKind, from: string, to: string, fromMs: number, toMs: number): Band {
  if (kind === 'down') return { kind, lane: from, side: 'node', what: `${from} crashed (down)`, fromMs, toMs };
  const lane = from === PRIMARY ? to : from;
  const what = kind === 'cut' ? `link ${from} → ${to} cut (partition)` : `link ${from} → ${to} held (clogged): segments wait`;
  return { kind, lane, side: to === lane ? 'in' : 'out', what, fromMs, toMs };
}

function drawBand(canvas: Canvas, band: Band): string {
  const x = canvas.x(band.lane);
  if (x === undefined) return '';
  const [offset, width] = GEOMETRY[band.kind][band.side];
  const y = canvas.y(band.fromMs);
  const title = `${band.what} from ${canvas.time(band.fromMs)} to ${canvas.time(band.toMs)}`;
  const rect = element('rect', { x: x + offset, y, width, height: Math.max(1, canvas.y(band.toMs) - y) });
  const label = canvas.claimLabel(band.lane, y) ? element('text', { ...labelPlace(band.side, x + offset, width), y: y + 10 }, LABELS[band.kind]) : '';
  return titled('g', { class: `band ${band.kind}` }, title, rect + label);
}

/** Beside the bar, away from the lane's centre line; inside a crash band, centred. */
function labelPlace(side: Band['side'], left: number, width: number): { x: number; 'text-anchor': string } {
  if (side === 'node') return { x: left + width / 2, 'text-anchor': 'middle' };
  return side === 'in' ? { x: left - 2, 'text-anchor': 'end' } : { x: left + width + 2, 'text-anchor': 'start' };
}
