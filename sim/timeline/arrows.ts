import { frameHeads } from '../frame-label.js';
import { PRIMARY } from '../network.js';
import type { TraceEvent } from '../trace.js';
import type { Canvas } from './canvas.js';
import type { Drawable } from './drawable.js';
import { element, titled } from './svg.js';

const CROSS_PX = 4;
/** Zoomed in this far, an arrow is long enough to carry its frame kind as a label. */
export const ARROW_LABELS_PX_PER_MS = 1.5;

/** One transmit: the pieces a re-chunked (or duplicated) send arrived in share an arrow. */
interface Transmit {
  readonly from: string;
  readonly to: string;
  readonly conn: number;
  readonly sentMs: number;
  readonly segment: number;
  arrivedMs: number;
  pieces: number;
  bytes: number;
  readonly frames: string | undefined;
}

/** Messages as arrows from (sender, sent) to (receiver, arrived): delivered, dropped, and FINs. */
export function arrowDrawables(events: readonly TraceEvent[]): Drawable[] {
  const drawables: Drawable[] = [];
  const transmits = new Map<string, Transmit>();
  for (const event of events) {
    if (event.kind === 'deliver') addPiece(transmits, drawables, event);
    else if (event.kind === 'drop') drawables.push(drop(event));
    else if (event.kind === 'fin') drawables.push(fin(event));
  }
  return drawables;
}

function addPiece(transmits: Map<string, Transmit>, drawables: Drawable[], event: TraceEvent): void {
  // Several transmits can leave at one instant on one connection: their frames tell them apart.
  const key = `${event.from}>${event.to}#${event.conn}@${event.sentMs}|${event.frames ?? ''}`;
  const known = transmits.get(key);
  if (known !== undefined) {
    known.arrivedMs = event.t;
    known.pieces += 1;
    known.bytes += event.bytes ?? 0;
    return;
  }
  const transmit: Transmit = {
    from: event.from ?? '',
    to: event.to ?? '',
    conn: event.conn ?? 0,
    sentMs: event.sentMs ?? event.t,
    segment: event.segment ?? 0,
    arrivedMs: event.t,
    pieces: 1,
    bytes: event.bytes ?? 0,
    frames: event.frames,
  };
  transmits.set(key, transmit);
  drawables.push({ layer: 'arrow', fromMs: transmit.sentMs, toMs: transmit.arrivedMs, sampled: true, draw: (canvas) => drawTransmit(canvas, transmit), label: (canvas) => labelTransmit(canvas, transmit) });
}

function drawTransmit(canvas: Canvas, transmit: Transmit): string {
  const xs = canvas.linkXs(transmit.from, transmit.to);
  if (xs === undefined) return '';
  const [x1, x2] = xs;
  const direction = transmit.from === PRIMARY ? 'down' : 'up';
  const pieces = transmit.pieces === 1 ? `segment ${transmit.segment}` : `${transmit.pieces} segments from ${transmit.segment}`;
  const title = `${carried(transmit.frames)}${transmit.from} → ${transmit.to}, connection ${transmit.conn}: ${pieces}, ${transmit.bytes} bytes, sent ${canvas.time(transmit.sentMs)}, arrived ${canvas.time(transmit.arrivedMs)}`;
  const attributes = { x1, y1: canvas.y(transmit.sentMs), x2, y2: canvas.y(transmit.arrivedMs), class: `msg ${direction}`, 'data-conn': transmit.conn, 'marker-end': `url(#head-${direction})` };
  return titled('line', attributes, title);
}

/** Its frame kinds halfway along, when zoomed in far enough and there is room. */
function labelTransmit(canvas: Canvas, transmit: Transmit): string {
  if (transmit.frames === undefined || canvas.map.pxPerMs < ARROW_LABELS_PX_PER_MS) return '';
  return canvas.linkLabel(secondaryOf(transmit), (canvas.y(transmit.sentMs) + canvas.y(transmit.arrivedMs)) / 2, frameHeads(transmit.frames));
}

function secondaryOf(message: { readonly from: string; readonly to: string }): string {
  return message.from === PRIMARY ? message.to : message.from;
}

/** The frames a message carried, leading its title: what a reader looks for first. */
function carried(frames: string | undefined): string {
  return frames === undefined ? '' : `${frames} — `;
}

/** Ends halfway to the receiver in a cross: it never got there. */
function drop(event: TraceEvent): Drawable {
  const sentMs = event.sentMs ?? event.t;
  // The network drops a segment when it is sent (by chance) or when it arrives at a cut link.
  const why = event.sentMs === undefined ? 'dropped by chance when sent' : 'dropped on arrival: the link is cut';
  const draw = (canvas: Canvas): string => {
    const xs = canvas.linkXs(event.from, event.to);
    if (xs === undefined) return '';
    const [x1, x2] = xs;
    const xEnd = (x1 + x2) / 2;
    const yEnd = canvas.y(event.t);
    const title = `${carried(event.frames)}${event.from} → ${event.to}, connection ${event.conn}: ${event.bytes} bytes ${why}, sent ${canvas.time(sentMs)}, lost ${canvas.time(event.t)}`;
    const cross = `M${xEnd - CROSS_PX} ${yEnd - CROSS_PX}L${xEnd + CROSS_PX} ${yEnd + CROSS_PX}M${xEnd - CROSS_PX} ${yEnd + CROSS_PX}L${xEnd + CROSS_PX} ${yEnd - CROSS_PX}`;
    return titled('g', { class: 'drop', 'data-conn': event.conn ?? 0 }, title, element('line', { x1, y1: canvas.y(sentMs), x2: xEnd, y2: yEnd }) + element('path', { d: cross }));
  };
  return { layer: 'arrow', fromMs: sentMs, toMs: event.t, sampled: false, draw };
}

/** The end of a stream: the sender closed the connection or its process died. */
function fin(event: TraceEvent): Drawable {
  const sentMs = event.sentMs ?? event.t;
  const draw = (canvas: Canvas): string => {
    const xs = canvas.linkXs(event.from, event.to);
    if (xs === undefined) return '';
    const [x1, x2] = xs;
    const title = `${event.from} → ${event.to}, connection ${event.conn}: FIN (stream closed), sent ${canvas.time(sentMs)}, arrived ${canvas.time(event.t)}`;
    return titled('line', { x1, y1: canvas.y(sentMs), x2, y2: canvas.y(event.t), class: 'fin', 'data-conn': event.conn ?? 0, 'marker-end': 'url(#head-fin)' }, title);
  };
  return { layer: 'arrow', fromMs: sentMs, toMs: event.t, sampled: false, draw };
}
