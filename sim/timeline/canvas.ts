import { PRIMARY } from '../network.js';
import { fitText, LabelBoard, labelBox } from './labels.js';
import { element, escapeXml } from './svg.js';
import type { TimeMap } from './time-map.js';

const AXIS_WIDTH_PX = 96;
/** From the axis to the primary's own lane. */
const PRIMARY_INSET_PX = 24;
/** Right of each lane: its labels, and nothing else. */
const GUTTER_PX = 156;
/** A link's span: the primary's end of it on the left, the secondary's lane on the right. */
const LINK_SPAN_PX = 104;
const TOP_PX = 24;
const BOTTOM_PX = 40;
/** Between a lane and the start of its labels. */
const LABEL_GAP_PX = 8;

/** A secondary's link: the primary's end of it and the secondary's lane. */
interface Link {
  readonly primaryX: number;
  readonly x: number;
}

/**
 * Where things go on the diagram, time downwards. The primary has its own lane for what concerns
 * all its links; each secondary has its link to itself: the primary's end of it, then the
 * secondary's lane, then a gutter for the secondary's labels. Every arrow stays within its link's
 * span, so no arrow crosses another node's lane or labels, however many secondaries there are.
 */
export class Canvas {
  readonly labels = new LabelBoard();
  private readonly links = new Map<string, Link>();
  private readonly primaryX = AXIS_WIDTH_PX + PRIMARY_INSET_PX;

  constructor(
    nodes: readonly string[],
    readonly map: TimeMap,
    readonly originMs: number,
  ) {
    const secondaries = nodes.filter((node) => node !== PRIMARY);
    secondaries.forEach((node, i) => {
      const primaryX = this.primaryX + GUTTER_PX + i * (LINK_SPAN_PX + GUTTER_PX);
      this.links.set(node, { primaryX, x: primaryX + LINK_SPAN_PX });
    });
  }

  get fromMs(): number {
    return this.map.fromMs;
  }

  get toMs(): number {
    return this.map.toMs;
  }

  get width(): number {
    return this.primaryX + GUTTER_PX + this.links.size * (LINK_SPAN_PX + GUTTER_PX);
  }

  get height(): number {
    return this.y(this.toMs) + BOTTOM_PX;
  }

  get axisX(): number {
    return AXIS_WIDTH_PX - 8;
  }

  get secondaries(): string[] {
    return [...this.links.keys()];
  }

  /** A node's own lane; undefined for a node the diagram has no lane for. */
  x(node: string | undefined): number | undefined {
    return node === PRIMARY ? this.primaryX : this.links.get(node ?? '')?.x;
  }

  /** Every node's own lane. */
  laneXs(): number[] {
    return [this.primaryX, ...[...this.links.values()].map((link) => link.x)];
  }

  /** The primary's lane and its end of every link: a primary crash is drawn on all of them. */
  primaryXs(): number[] {
    return [this.primaryX, ...[...this.links.values()].map((link) => link.primaryX)];
  }

  /** Both ends of a message between the primary and a secondary, within that secondary's link. */
  linkXs(from: string | undefined, to: string | undefined): [number, number] | undefined {
    const link = this.links.get(from === PRIMARY ? (to ?? '') : (from ?? ''));
    if (link === undefined || (from !== PRIMARY && to !== PRIMARY)) return undefined;
    return from === PRIMARY ? [link.primaryX, link.x] : [link.x, link.primaryX];
  }

  /** The primary's end of a secondary's link. */
  linkPrimaryX(secondary: string): number | undefined {
    return this.links.get(secondary)?.primaryX;
  }

  /** The time map's pieces at the diagram's offsets, for the page's script. */
  pieces(): [number, number, number, number][] {
    return this.map.pieces(TOP_PX);
  }

  y(t: number): number {
    return TOP_PX + this.map.offsetPx(t);
  }

  /** A time as the axis and the titles show it: seconds since the run began. */
  time(t: number): string {
    return `${((t - this.originMs) / 1_000).toFixed(3)} s`;
  }

  /** A label in a node's gutter at y, when it has room there; '' when not (the hover title tells). */
  gutterLabel(node: string, y: number, text: string, className = ''): string {
    const x = this.x(node);
    if (x === undefined) return '';
    return this.label(`gutter:${node}`, x + LABEL_GAP_PX, y, fitText(text, GUTTER_PX - 2 * LABEL_GAP_PX), 'start', className);
  }

  /** A label centred in a secondary's link span at y, when it has room there. */
  linkLabel(secondary: string, y: number, text: string): string {
    const link = this.links.get(secondary);
    if (link === undefined) return '';
    return this.label(`link:${secondary}`, (link.primaryX + link.x) / 2, y, fitText(text, LINK_SPAN_PX - 2 * LABEL_GAP_PX), 'middle', 'frame');
  }

  /** The lane names, as a header that stays in view while the page scrolls. */
  laneHeader(): string {
    const primary = `<span style="left:${this.primaryX}px">${escapeXml(PRIMARY)}</span>`;
    const links = [...this.links].map(([node, link]) => `<span class="end" style="left:${link.primaryX}px">${escapeXml(PRIMARY)}</span><span style="left:${link.x}px">${escapeXml(node)}</span>`);
    return primary + links.join('');
  }

  private label(column: string, x: number, y: number, text: string, anchor: 'start' | 'middle', className: string): string {
    const baselineY = y + 3;
    if (!this.labels.claim(column, labelBox(x, baselineY, text, anchor))) return '';
    return element('text', { x, y: baselineY, ...(anchor === 'middle' ? { 'text-anchor': 'middle' } : {}), ...(className === '' ? {} : { class: className }) }, escapeXml(text));
  }
}
