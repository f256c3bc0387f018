import type { QuietStretch } from './quiet.js';

/**
 * Virtual time to a distance along an axis, at one scale except across compressed quiet
 * stretches, which each take `breakPx` whatever their length. The overview (left to right) and the
 * diagram (downwards) each have one.
 */
export class TimeMap {
  readonly pxPerMs: number;

  /** `lengthPx` is what the whole range may take; `pxPerMsMax` keeps a short range from spreading thin. */
  constructor(
    readonly fromMs: number,
    readonly toMs: number,
    readonly breaks: readonly QuietStretch[],
    private readonly breakPx: number,
    lengthPx: number,
    pxPerMsMax: number,
  ) {
    const shownMs = toMs - fromMs - breaks.reduce((sum, b) => sum + (b.toMs - b.fromMs), 0);
    const roomPx = Math.max(1, lengthPx - breaks.length * breakPx);
    this.pxPerMs = Math.min(pxPerMsMax, roomPx / Math.max(1, shownMs));
  }

  /** Distance from the start of the range. */
  offsetPx(t: number): number {
    let px = (t - this.fromMs) * this.pxPerMs;
    for (const b of this.breaks) {
      if (t <= b.fromMs) break;
      const inside = Math.min(t, b.toMs) - b.fromMs;
      px += (inside / (b.toMs - b.fromMs)) * this.breakPx - inside * this.pxPerMs;
    }
    return px;
  }

  get lengthPx(): number {
    return this.offsetPx(this.toMs);
  }

  /** Whether something from `fromMs` to `toMs` lies wholly inside one compressed stretch. */
  hides(fromMs: number, toMs: number): boolean {
    return this.breaks.some((b) => fromMs > b.fromMs && toMs < b.toMs);
  }

  /** The spans drawn at scale, between the breaks: where ticks go. */
  shownSpans(): { fromMs: number; toMs: number }[] {
    const spans: { fromMs: number; toMs: number }[] = [];
    let start = this.fromMs;
    for (const b of this.breaks) {
      spans.push({ fromMs: start, toMs: b.fromMs });
      start = b.toMs;
    }
    spans.push({ fromMs: start, toMs: this.toMs });
    return spans;
  }

  /**
   * The map as pieces, each linear: [fromMs, toMs, fromPx, toPx] for every span at scale and every
   * break. The page's script inverts it to go from a point on the overview to the same time below.
   */
  pieces(startPx: number): [number, number, number, number][] {
    const edges = [this.fromMs, ...this.breaks.flatMap((b) => [b.fromMs, b.toMs]), this.toMs];
    const pieces: [number, number, number, number][] = [];
    for (let i = 1; i < edges.length; i += 1) {
      const [from, to] = [edges[i - 1] ?? 0, edges[i] ?? 0];
      pieces.push([from, to, round(startPx + this.offsetPx(from)), round(startPx + this.offsetPx(to))]);
    }
    return pieces;
  }

  /** Tick times at a round step leaving at least `spacingPx` between ticks, none inside a break. */
  ticks(originMs: number, spacingPx: number): number[] {
    const stepMs = TICK_STEPS_MS.find((step) => step * this.pxPerMs >= spacingPx) ?? TICK_STEP_MS_MAX;
    return this.shownSpans().flatMap(({ fromMs, toMs }) => {
      const ticks: number[] = [];
      for (let t = Math.ceil((fromMs - originMs) / stepMs) * stepMs + originMs; t <= toMs; t += stepMs) ticks.push(t);
      return ticks;
    });
  }
}

function round(px: number): number {
  return Math.round(px * 10) / 10;
}

const TICK_STEPS_MS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1_000, 10_000, 100_000].map((p) => m * p)).sort((a, b) => a - b);
const TICK_STEP_MS_MAX = 1_000_000;
