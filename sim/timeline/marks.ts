import type { TraceEvent } from '../trace.js';
import type { Canvas } from './canvas.js';
import type { Drawable } from './drawable.js';
import { element, titled } from './svg.js';

/**
 * The machines' events worth a dot, by style. applied and writeApplied happen for every batch and
 * reconnectScheduled for every retry: drawn, they would bury the rest.
 */
const MACHINE_EVENTS: Readonly<Record<string, string>> = {
  ready: 'ok',
  peerJoined: 'ok',
  resync: 'sync',
  snapshotSent: 'sync',
  snapshotInstalled: 'sync',
  expired: 'expiry',
  connectionClosed: 'bad',
  storageFailed: 'bad',
};
const LABEL_DX_PX = 30;

/** Things that happen at one instant: machine events, clock jumps, connects, resets, corruption, the heal. */
export function markDrawables(events: readonly TraceEvent[]): Drawable[] {
  return events.flatMap((event): Drawable[] => {
    const draw = drawer(event);
    return draw === undefined ? [] : [{ layer: 'mark', fromMs: event.t, toMs: event.t, sampled: false, draw }];
  });
}

function drawer(event: TraceEvent): ((canvas: Canvas) => string) | undefined {
  const kind = event.kind.startsWith('event:') ? event.kind.slice('event:'.length) : undefined;
  if (kind !== undefined) {
    const style = MACHINE_EVENTS[kind];
    return style === undefined ? undefined : (canvas) => dot(canvas, event, event.node, `dot ${style}`, `${kind} ${event.detail ?? ''}`.trim());
  }
  switch (event.kind) {
    case 'clock':
      return (canvas) => dot(canvas, event, event.node, 'dot clock', `clock ${Number(event.detail) > 0 ? '+' : ''}${event.detail} ms`);
    case 'connect':
      return (canvas) => dot(canvas, event, event.from, 'dot connect', '');
    case 'reset':
      return (canvas) => reset(canvas, event);
    case 'corrupt':
      return (canvas) => corrupt(canvas, event);
    case 'heal':
      return (canvas) => heal(canvas, event);
    default:
      return undefined;
  }
}

/** A dot on a node's lane, labelled when there is room (the hover title always tells). */
function dot(canvas: Canvas, event: TraceEvent, node: string | undefined, style: string, label: string): string {
  const x = canvas.x(node);
  if (x === undefined) return '';
  const y = canvas.y(event.t);
  const title = `${node} at ${canvas.time(event.t)}: ${label === '' ? `${event.kind} (connection ${event.conn})` : label}`;
  const text = label !== '' && canvas.claimLabel(node ?? '', y) ? element('text', { x: x + LABEL_DX_PX, y: y + 3 }, label) : '';
  return titled('g', { class: style }, title, element('circle', { cx: x, cy: y, r: 3.5 }) + text);
}

/** Both ends see the connection die at once: a line across. */
function reset(canvas: Canvas, event: TraceEvent): string {
  const xs = canvas.xs(event.from, event.to);
  if (xs === undefined) return '';
  const [x1, x2] = xs;
  const y = canvas.y(event.t);
  const title = `connection ${event.conn} between ${event.from} and ${event.to} reset at ${canvas.time(event.t)}`;
  return titled('g', { class: 'reset', 'data-conn': event.conn ?? 0 }, title, element('line', { x1, y1: y, x2, y2: y }) + element('text', { x: (x1 + x2) / 2, y: y - 3, 'text-anchor': 'middle' }, 'reset'));
}

/** The trace does not say which link a corrupted segment took, so it is marked beside the axis. */
function corrupt(canvas: Canvas, event: TraceEvent): string {
  const title = `a segment of ${event.bytes} bytes corrupted (bit ${event.bit} flipped) at ${canvas.time(event.t)}`;
  return titled('text', { x: canvas.axisX + 4, y: canvas.y(event.t) + 4, class: 'corrupt' }, title, '⚡');
}

function heal(canvas: Canvas, event: TraceEvent): string {
  const y = canvas.y(event.t);
  const title = `every fault healed at ${canvas.time(event.t)}: from here on the secondaries must converge`;
  return titled('g', { class: 'heal' }, title, element('line', { x1: canvas.axisX, y1: y, x2: canvas.width, y2: y }) + element('text', { x: canvas.axisX + 8, y: y - 4 }, 'heal: liveness phase'));
}
