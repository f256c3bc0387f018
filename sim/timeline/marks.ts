import { PRIMARY } from '../network.js';
import type { TraceEvent } from '../trace.js';
import type { Canvas } from './canvas.js';
import type { Drawable } from './drawable.js';
import { element, escapeXml, titled } from './svg.js';

/**
 * The machines' events worth a dot, by style. applied and writeApplied happen for every batch and
 * reconnectScheduled for every retry: drawn, they would bury the rest (the overview plots applied).
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
/** The primary's events about one link: drawn at its end of that link. */
const LINK_EVENTS = new Set(['peerJoined', 'resync', 'snapshotSent', 'connectionClosed']);
const DOT_RADIUS_PX = 3.5;

/** Things that happen at one instant: machine events, clock jumps, connects, resets, corruption, data losses, the heal. */
export function markDrawables(events: readonly TraceEvent[]): Drawable[] {
  const links = linkAttribution(events);
  return events.flatMap((event, i): Drawable[] => {
    const draw = drawer(event, links[i]);
    return draw === undefined ? [] : [{ layer: 'mark', fromMs: event.t, toMs: event.t, sampled: false, draw }];
  });
}

/** A machine event in words, saying what its number is. */
function describeMachineEvent(kind: string, detail: string): string {
  const [first = '', second = ''] = detail.split(' ');
  switch (kind) {
    case 'resync':
      return `${first === 'full_resync' ? 'full resync' : 'continue'} from ${second}`;
    case 'snapshotInstalled':
      return `snapshot installed at ${detail.split(':').at(-1) ?? ''}`;
    case 'connectionClosed':
      return `closed: ${second}`;
    case 'peerJoined':
      return 'peer joined';
    case 'snapshotSent':
      return 'snapshot sent';
    case 'expired':
      return 'a key expired';
    case 'storageFailed':
      return 'storage failed';
    default:
      return kind;
  }
}

/**
 * The secondary each of the primary's link events concerns, by index. A closed connection names
 * its connection; a snapshot follows its link's full resync; the others happen while the primary
 * handles what arrived from (or connected as) that secondary at that instant, traced just before.
 */
function linkAttribution(events: readonly TraceEvent[]): (string | undefined)[] {
  const byConnection = new Map<number, string>();
  let peer: { t: number; secondary: string } | undefined;
  let fullResync: string | undefined;
  return events.map((event) => {
    const secondary = event.from === PRIMARY ? event.to : event.to === PRIMARY ? event.from : undefined;
    if (secondary !== undefined && event.kind !== 'connect' && event.conn !== undefined) byConnection.set(event.conn, secondary);
    if (secondary !== undefined) peer = { t: event.t, secondary };
    const kind = event.kind.slice('event:'.length);
    if (event.node !== PRIMARY || !LINK_EVENTS.has(kind)) return undefined;
    if (kind === 'connectionClosed') return byConnection.get(Number(event.detail?.split(' ')[0]));
    if (kind === 'snapshotSent') return fullResync;
    const link = peer?.t === event.t ? peer.secondary : undefined;
    if (kind === 'resync' && event.detail?.startsWith('full_resync')) fullResync = link;
    return link;
  });
}

function drawer(event: TraceEvent, link: string | undefined): ((canvas: Canvas) => string) | undefined {
  const kind = event.kind.startsWith('event:') ? event.kind.slice('event:'.length) : undefined;
  if (kind !== undefined) {
    const style = MACHINE_EVENTS[kind];
    if (style === undefined) return undefined;
    const text = describeMachineEvent(kind, event.detail ?? '');
    return link === undefined ? (canvas) => dot(canvas, event, event.node, `dot ${style}`, text) : (canvas) => linkDot(canvas, event, link, `dot ${style}`, text);
  }
  switch (event.kind) {
    case 'clock':
      return (canvas) => dot(canvas, event, event.node, 'dot clock', `clock jumped ${Number(event.detail) > 0 ? '+' : ''}${event.detail} ms`);
    case 'connect':
      return (canvas) => dot(canvas, event, event.from, 'dot connect', '');
    case 'reset':
      return (canvas) => reset(canvas, event);
    case 'corrupt':
      return (canvas) => corrupt(canvas, event);
    case 'loseData':
      return (canvas) => dot(canvas, event, event.node, 'dot lost', 'disk lost its data');
    case 'heal':
      return (canvas) => heal(canvas, event);
    default:
      return undefined;
  }
}

/** A dot on a node's lane, labelled in its gutter when there is room (the hover title always tells). */
function dot(canvas: Canvas, event: TraceEvent, node: string | undefined, style: string, label: string): string {
  const x = canvas.x(node);
  if (x === undefined || node === undefined) return '';
  const y = canvas.y(event.t);
  const title = `${node} at ${canvas.time(event.t)}: ${label === '' ? `${event.kind} (connection ${event.conn})` : label}`;
  const text = label === '' ? '' : canvas.gutterLabel(node, y, label);
  return titled('g', { class: style }, title, element('circle', { cx: x, cy: y, r: DOT_RADIUS_PX }) + text);
}

/** The primary's event about one link, at its end of that link; the secondary's own event beside it says the same in its gutter. */
function linkDot(canvas: Canvas, event: TraceEvent, secondary: string, style: string, label: string): string {
  const x = canvas.linkPrimaryX(secondary);
  if (x === undefined) return '';
  const title = `primary, about ${secondary}, at ${canvas.time(event.t)}: ${label}${event.kind === 'event:connectionClosed' ? ` (connection ${event.detail?.split(' ')[0]})` : ''}`;
  return titled('g', { class: style }, title, element('circle', { cx: x, cy: canvas.y(event.t), r: DOT_RADIUS_PX }));
}

/** Both ends see the connection die at once: a line across the link. */
function reset(canvas: Canvas, event: TraceEvent): string {
  const xs = canvas.linkXs(event.from, event.to);
  if (xs === undefined) return '';
  const [x1, x2] = xs;
  const y = canvas.y(event.t);
  const title = `connection ${event.conn} between ${event.from} and ${event.to} reset at ${canvas.time(event.t)}`;
  return titled('g', { class: 'reset', 'data-conn': event.conn ?? 0 }, title, element('line', { x1, y1: y, x2, y2: y }) + canvas.gutterLabel(event.from ?? '', y, 'connection reset', 'reset'));
}

/** The trace does not say which link a corrupted segment took, so it is marked beside the axis. */
function corrupt(canvas: Canvas, event: TraceEvent): string {
  const title = `a segment of ${event.bytes} bytes corrupted (bit ${event.bit} flipped) at ${canvas.time(event.t)}`;
  return titled('text', { x: canvas.axisX + 4, y: canvas.y(event.t) + 4, class: 'corrupt' }, title, escapeXml('⚡'));
}

function heal(canvas: Canvas, event: TraceEvent): string {
  const y = canvas.y(event.t);
  const title = `every fault healed at ${canvas.time(event.t)}: from here on the secondaries must converge`;
  return titled('g', { class: 'heal' }, title, element('line', { x1: canvas.axisX, y1: y, x2: canvas.width, y2: y }) + canvas.gutterLabel(PRIMARY, y - 6, 'heal: liveness phase'));
}
