import { escapeXml } from './svg.js';

const AXIS_WIDTH_PX = 120;
const LANE_GAP_PX = 280;
const TOP_PX = 24;
const BOTTOM_PX = 40;
/** Browsers handle pages this tall; a longer run is drawn at a smaller scale, or in windows. */
const HEIGHT_MAX_PX = 16_000;
/** Past this, a short window would spread a few events over a screenful of empty lanes. */
const PX_PER_MS_MAX = 10;
/** A label closer than this to the one above it on the same lane is left to the hover title. */
const LABEL_SPACING_PX = 12;

/**
 * Where things go on the diagram: one lane per node from left to right, time downwards at one
 * scale. It also keeps labels on a lane from piling up on one another.
 */
export class Canvas {
  readonly pxPerMs: number;
  private readonly lanes: Map<string, number>;
  private readonly lastLabelY = new Map<string, number>();

  constructor(
    nodes: readonly string[],
    readonly fromMs: number,
    readonly toMs: number,
    private readonly originMs: number,
  ) {
    this.lanes = new Map(nodes.map((node, i) => [node, AXIS_WIDTH_PX + LANE_GAP_PX / 2 + i * LANE_GAP_PX]));
    this.pxPerMs = Math.min(PX_PER_MS_MAX, HEIGHT_MAX_PX / Math.max(1, toMs - fromMs));
  }

  get width(): number {
    return AXIS_WIDTH_PX + this.lanes.size * LANE_GAP_PX;
  }

  get height(): number {
    return this.y(this.toMs) + BOTTOM_PX;
  }

  get axisX(): number {
    return AXIS_WIDTH_PX - 8;
  }

  get laneNames(): string[] {
    return [...this.lanes.keys()];
  }

  /** The lane's centre line; undefined for a node the diagram has no lane for. */
  x(node: string | undefined): number | undefined {
    return node === undefined ? undefined : this.lanes.get(node);
  }

  /** Both ends of a message or link; undefined unless both nodes have lanes. */
  xs(from: string | undefined, to: string | undefined): [number, number] | undefined {
    const x1 = this.x(from);
    const x2 = this.x(to);
    return x1 === undefined || x2 === undefined ? undefined : [x1, x2];
  }

  y(t: number): number {
    return TOP_PX + (t - this.fromMs) * this.pxPerMs;
  }

  /** A time as the axis and the titles show it: seconds since the run began. */
  time(t: number): string {
    return `${((t - this.originMs) / 1_000).toFixed(3)} s`;
  }

  /** Whether a label at y on this lane has room; claims the room when it has. */
  claimLabel(lane: string, y: number): boolean {
    const last = this.lastLabelY.get(lane);
    if (last !== undefined && y - last < LABEL_SPACING_PX) return false;
    this.lastLabelY.set(lane, y);
    return true;
  }

  /** Tick times on the axis, at a round step leaving at least 60 px between ticks. */
  ticks(): number[] {
    const stepMs = [1, 2, 5].flatMap((m) => [1, 10, 100, 1_000, 10_000, 100_000].map((p) => m * p)).sort((a, b) => a - b).find((step) => step * this.pxPerMs >= 60) ?? 1_000_000;
    const first = Math.ceil((this.fromMs - this.originMs) / stepMs) * stepMs + this.originMs;
    const ticks: number[] = [];
    for (let t = first; t <= this.toMs; t += stepMs) ticks.push(t);
    return ticks;
  }

  /** The lane names, as a header that stays in view while the page scrolls. */
  laneHeader(): string {
    return this.laneNames.map((node) => `<span style="left:${this.lanes.get(node) ?? 0}px">${escapeXml(node)}</span>`).join('');
  }
}
