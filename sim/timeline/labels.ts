/** An estimate of a 10 px label's advance per character: a digit's, wider than most letters. */
export const LABEL_CHAR_PX = 5.6;
export const LABEL_HEIGHT_PX = 11;

/** Where a label's text sits: its baseline is 3 px above the bottom. */
export interface LabelBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A label's box, from its anchor point (left end of its baseline, or right end for 'end'). */
export function labelBox(x: number, baselineY: number, text: string, anchor: 'start' | 'end' | 'middle'): LabelBox {
  const width = text.length * LABEL_CHAR_PX;
  const left = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
  return { x: left, y: baselineY - LABEL_HEIGHT_PX + 3, width, height: LABEL_HEIGHT_PX };
}

/** Text cut to what fits `widthPx`, with an ellipsis when it was cut (the hover title keeps it whole). */
export function fitText(text: string, widthPx: number): string {
  // The epsilon keeps 24 × 5.6 / 5.6 from coming out a hair under 24.
  const chars = Math.floor(widthPx / LABEL_CHAR_PX + 1e-9);
  return text.length <= chars ? text : `${text.slice(0, Math.max(0, chars - 1))}…`;
}

export function overlaps(a: LabelBox, b: LabelBox): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * The labels placed so far, in columns that never overlap one another (a lane's gutter, a link's
 * span): a label is placed only where it overlaps none, else it is left to the hover title.
 */
export class LabelBoard {
  /** Each column's boxes, sorted by y. */
  private readonly columns = new Map<string, LabelBox[]>();

  claim(column: string, box: LabelBox): boolean {
    const boxes = this.columns.get(column) ?? [];
    const at = firstBelow(boxes, box.y - LABEL_HEIGHT_PX);
    for (let i = at; i < boxes.length && (boxes[i]?.y ?? Infinity) < box.y + box.height; i += 1) {
      if (overlaps(boxes[i] as LabelBox, box)) return false;
    }
    boxes.splice(firstBelow(boxes, box.y), 0, box);
    this.columns.set(column, boxes);
    return true;
  }

  /** Every box placed, for checking the layout. */
  boxes(): LabelBox[] {
    return [...this.columns.values()].flat();
  }
}

/** The index of the first box whose y is at least `y`. */
function firstBelow(boxes: readonly LabelBox[], y: number): number {
  let low = 0;
  let high = boxes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((boxes[mid]?.y ?? Infinity) < y) low = mid + 1;
    else high = mid;
  }
  return low;
}
