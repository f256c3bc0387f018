import type { Canvas } from './canvas.js';

/** Drawn in this order, so that marks stay on top of arrows and arrows on top of fault bands. */
export const LAYERS = ['band', 'arrow', 'mark'] as const;

/** One thing on the diagram: what it covers in time, and how it draws itself. */
export interface Drawable {
  readonly layer: (typeof LAYERS)[number];
  readonly fromMs: number;
  readonly toMs: number;
  /** Delivered segments are by far the most numerous: when the cap bites they are sampled, the rest kept. */
  readonly sampled: boolean;
  draw(canvas: Canvas): string;
  /** A label drawn above every layer, so that no arrow drawn later runs over it. */
  label?(canvas: Canvas): string;
}
