import { frameHeads } from '../frame-label.js';
import type { TraceEvent } from '../trace.js';

/** A stretch shorter than this is drawn as it is: compressing it would hide little. */
export const QUIET_MS_MIN = 2_000;
/** Kept visible at each end of a compressed stretch, so that its heartbeats are seen to go on. */
const QUIET_MARGIN_MS = 250;
/** A link that only says "still here" carries these frames. */
const KEEPALIVE_FRAMES = new Set(['HEARTBEAT', 'ACK']);

/** A span of the liveness phase with nothing but heartbeats and acknowledgements in it. */
export interface QuietStretch {
  readonly fromMs: number;
  readonly toMs: number;
  /** Keep-alive messages that fall wholly inside it, not drawn. */
  readonly hidden: number;
}

/**
 * After the heal, the stretches between `fromMs` and `toMs` where nothing happens but keep-alive
 * traffic. Before the heal every quiet moment may be a fault at work, so nothing there is compressed.
 */
export function quietStretches(events: readonly TraceEvent[], fromMs: number, toMs: number): QuietStretch[] {
  const healMs = events.find((event) => event.kind === 'heal')?.t;
  if (healMs === undefined) return [];
  const busy = busyTimes(events, Math.max(fromMs, healMs), toMs);
  const spans: { fromMs: number; toMs: number }[] = [];
  for (let i = 1; i < busy.length; i += 1) {
    const start = (busy[i - 1] ?? 0) + QUIET_MARGIN_MS;
    const end = (busy[i] ?? 0) - QUIET_MARGIN_MS;
    if (end - start >= QUIET_MS_MIN) spans.push({ fromMs: start, toMs: end });
  }
  const hidden = keepalivesWithin(events, spans);
  return spans.map((span, i) => ({ ...span, hidden: hidden[i] ?? 0 }));
}

function isKeepalive(event: TraceEvent): boolean {
  if (event.kind === 'event:replicaAcked') return true;
  if (event.kind !== 'deliver' || event.frames === undefined) return false;
  return frameHeads(event.frames)
    .split(' + ')
    .every((head) => KEEPALIVE_FRAMES.has(head.split(' ')[0] ?? ''));
}

/** The ends of the range and every moment something other than keep-alive traffic happens in it. */
function busyTimes(events: readonly TraceEvent[], fromMs: number, toMs: number): number[] {
  const times = [fromMs];
  for (const event of events) {
    if (event.t < fromMs || isKeepalive(event)) continue;
    if ((event.sentMs ?? event.t) > toMs) continue;
    times.push(Math.max(fromMs, event.sentMs ?? event.t), Math.min(toMs, event.t));
  }
  times.push(toMs);
  return times.sort((a, b) => a - b);
}

/** How many keep-alive deliveries fall wholly inside each span (sorted, disjoint), in one pass. */
function keepalivesWithin(events: readonly TraceEvent[], spans: readonly { fromMs: number; toMs: number }[]): number[] {
  const counts = spans.map(() => 0);
  let i = 0;
  for (const event of events) {
    while (i < spans.length && (spans[i]?.toMs ?? 0) <= event.t) i += 1;
    const span = spans[i];
    if (span === undefined) break;
    if (event.kind === 'deliver' && (event.sentMs ?? event.t) > span.fromMs && isKeepalive(event)) counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}
