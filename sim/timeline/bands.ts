import { PRIMARY } from '../network.js';
import type { TraceEvent } from '../trace.js';
import type { Canvas } from './canvas.js';
import type { Drawable } from './drawable.js';
import { element, titled } from './svg.js';

export type FaultKind = 'down' | 'cut' | 'held';

/** A fault that lasts: a crashed node, a cut (partitioned) link, a held (clogged) link. */
export interface FaultWindow {
  readonly kind: FaultKind;
  /** The crashed node, or the secondary whose link it is. */
  readonly node: string;
  /** For a link: which way data cannot pass. */
  readonly direction: 'node' | 'toSecondary' | 'toPrimary' | 'both';
  readonly fromMs: number;
  readonly toMs: number;
}

const CRASH_HALF_WIDTH_PX = 7;
const BAR_WIDTH_PX = 5;

/** Pairs each fault with what ends it; a fault still on at the end of the trace lasts to its end. */
export function faultWindows(events: readonly TraceEvent[], endMs: number): FaultWindow[] {
  const open = new Map<string, { kind: FaultKind; from: string; to: string; fromMs: number }>();
  const windows: FaultWindow[] = [];
  const end = (key: string, toMs: number): void => {
    const started = open.get(key);
    if (started === undefined) return;
    open.delete(key);
    windows.push(faultWindow(started.kind, started.from, started.to, started.fromMs, toMs));
  };
  const start = (kind: FaultKind, from: string, to: string, t: number): void => {
    const key = faultKey(kind, from, to);
    if (!open.has(key)) open.set(key, { kind, from, to, fromMs: t });
  };
  for (const event of events) {
    const from = event.from ?? event.node ?? '';
    const to = event.to ?? '';
    if (event.kind === 'crash') start('down', from, from, event.t);
    else if (event.kind === 'restart') end(faultKey('down', from, from), event.t);
    else if (event.kind === 'partition') start('cut', from, to, event.t);
    else if (event.kind === 'hold') start('held', from, to, event.t);
    else if (event.kind === 'release') end(faultKey('held', from, to), event.t);
    else if (event.kind === 'repair') for (const key of [...open.keys()].filter((key) => isRepaired(key, from, to))) end(key, event.t);
  }
  for (const key of [...open.keys()]) end(key, endMs);
  return mergeBothWays(windows).sort((a, b) => a.fromMs - b.fromMs || a.node.localeCompare(b.node));
}

/** A link cut or held both ways over the same span is one window, not two. */
function mergeBothWays(windows: readonly FaultWindow[]): FaultWindow[] {
  const merged: FaultWindow[] = [];
  for (const window of windows) {
    const twin = merged.findIndex((w) => w.kind === window.kind && w.node === window.node && w.fromMs === window.fromMs && w.toMs === window.toMs && w.direction !== window.direction);
    if (twin >= 0 && window.direction !== 'node') merged[twin] = { ...window, direction: 'both' };
    else merged.push(window);
  }
  return merged;
}

/** repair(a, b) heals both directions between a and b; repair('*', '*') heals every cut. */
function isRepaired(key: string, a: string, b: string): boolean {
  return key.startsWith('cut|') && (a === '*' || key === faultKey('cut', a, b) || key === faultKey('cut', b, a));
}

function faultKey(kind: FaultKind, from: string, to: string): string {
  return `${kind}|${from}>${to}`;
}

function faultWindow(kind: FaultKind, from: string, to: string, fromMs: number, toMs: number): FaultWindow {
  if (kind === 'down') return { kind, node: from, direction: 'node', fromMs, toMs };
  return from === PRIMARY ? { kind, node: to, direction: 'toSecondary', fromMs, toMs } : { kind, node: from, direction: 'toPrimary', fromMs, toMs };
}

/** What a window is, in words: the hover titles and labels of both charts. */
export function describeFault(window: FaultWindow): string {
  if (window.kind === 'down') return `${window.node} crashed`;
  const what = window.kind === 'cut' ? 'link cut (partition)' : 'link held (clogged), segments wait';
  const way = { node: '', both: 'both ways', toSecondary: `${PRIMARY} → ${window.node}`, toPrimary: `${window.node} → ${PRIMARY}` }[window.direction];
  return `${what} ${way}`;
}

export function bandDrawables(events: readonly TraceEvent[], endMs: number): Drawable[] {
  return faultWindows(events, endMs).map((w) => ({ layer: 'band', fromMs: w.fromMs, toMs: w.toMs, sampled: false, draw: (canvas) => drawBand(canvas, w) }));
}

function drawBand(canvas: Canvas, window: FaultWindow): string {
  const y = canvas.y(window.fromMs);
  const height = Math.max(1, canvas.y(window.toMs) - y);
  const title = `${window.kind === 'down' ? '' : `${window.node}: `}${describeFault(window)} from ${canvas.time(window.fromMs)} to ${canvas.time(window.toMs)}`;
  const rects = window.kind === 'down' ? crashRects(canvas, window.node, y, height) : linkRects(canvas, window, y, height);
  if (rects === '') return '';
  // A window that began before the diagram's is labelled at its top.
  const label = canvas.gutterLabel(window.node, Math.max(y, canvas.y(canvas.fromMs)) + 8, window.kind === 'down' ? 'crashed' : describeFault(window).replace(/ \(.*\)|, segments wait/g, ''));
  return titled('g', { class: `band ${window.kind}` }, title, rects + label);
}

/** A crashed primary is down on its own lane and at its end of every link. */
function crashRects(canvas: Canvas, node: string, y: number, height: number): string {
  const xs = node === PRIMARY ? canvas.primaryXs() : [canvas.x(node)].filter((x) => x !== undefined);
  return xs.map((x) => element('rect', { x: x - CRASH_HALF_WIDTH_PX, y, width: 2 * CRASH_HALF_WIDTH_PX, height })).join('');
}

/** The link's span tinted, and a bar at each end data cannot reach. */
function linkRects(canvas: Canvas, window: FaultWindow, y: number, height: number): string {
  const primaryX = canvas.linkPrimaryX(window.node);
  const x = canvas.x(window.node);
  if (primaryX === undefined || x === undefined) return '';
  const span = element('rect', { class: 'span', x: primaryX, y, width: x - primaryX, height });
  const intoSecondary = window.direction !== 'toPrimary' ? element('rect', { class: 'bar', x: x - BAR_WIDTH_PX, y, width: BAR_WIDTH_PX, height }) : '';
  const intoPrimary = window.direction !== 'toSecondary' ? element('rect', { class: 'bar', x: primaryX, y, width: BAR_WIDTH_PX, height }) : '';
  return span + intoSecondary + intoPrimary;
}
