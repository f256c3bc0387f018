import { describe, expect, it } from 'vitest';
import { fitText, LABEL_CHAR_PX, LabelBoard, labelBox } from '../../../sim/timeline/labels.js';

describe('LabelBoard', () => {
  it('refuses a label that would overlap one in its column, and only in its column', () => {
    const board = new LabelBoard();
    expect(board.claim('a', labelBox(0, 100, 'full resync from 3', 'start'))).toBe(true);
    expect(board.claim('a', labelBox(10, 105, 'closed: timeout', 'start'))).toBe(false);
    expect(board.claim('b', labelBox(10, 105, 'closed: timeout', 'start'))).toBe(true);
    expect(board.claim('a', labelBox(0, 112, 'closed: timeout', 'start'))).toBe(true);
    expect(board.claim('a', labelBox(0, 90, 'ready', 'start'))).toBe(false);
    expect(board.boxes()).toHaveLength(3);
  });

  it('finds an overlap with a label placed earlier further down the page', () => {
    const board = new LabelBoard();
    expect(board.claim('a', labelBox(0, 300, 'later', 'start'))).toBe(true);
    expect(board.claim('a', labelBox(0, 100, 'earlier', 'start'))).toBe(true);
    expect(board.claim('a', labelBox(0, 295, 'between', 'start'))).toBe(false);
  });
});

describe('fitText', () => {
  it('cuts what does not fit, with an ellipsis, and leaves the rest alone', () => {
    expect(fitText('snapshot installed at 12', 24 * LABEL_CHAR_PX)).toBe('snapshot installed at 12');
    const cut = fitText('snapshot installed at 12', 10 * LABEL_CHAR_PX);
    expect(cut).toBe('snapshot …');
    expect(cut.length * LABEL_CHAR_PX).toBeLessThanOrEqual(10 * LABEL_CHAR_PX);
  });
});
