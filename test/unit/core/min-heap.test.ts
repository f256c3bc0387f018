import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../src/core/min-heap.js';

function drain<T>(heap: MinHeap<T>): T[] {
  const out: T[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
}

describe('MinHeap', () => {
  it('is empty at first', () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
  });

  it('peeks without removing', () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    for (const value of [5, 3, 8]) heap.push(value);
    expect(heap.peek()).toBe(3);
    expect(heap.size).toBe(3);
    expect(heap.pop()).toBe(3);
    expect(heap.peek()).toBe(5);
    expect(heap.size).toBe(2);
  });

  it('clear empties it', () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    for (const value of [5, 3, 8]) heap.push(value);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
    heap.push(1);
    expect(drain(heap)).toEqual([1]);
  });

  it('pops in sorted order, like Array.sort', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 200 }), (values) => {
      const heap = new MinHeap<number>((a, b) => a < b);
      for (const value of values) heap.push(value);
      expect(heap.size).toBe(values.length);
      expect(drain(heap)).toEqual([...values].sort((a, b) => a - b));
      expect(heap.size).toBe(0);
    }), { numRuns: 300 });
  });

  it('pops in sorted order under interleaved pushes and pops', () => {
    const action = fc.oneof(fc.integer({ min: 0, max: 30 }).map((value) => ({ push: value })), fc.constant({ pop: true as const }));
    fc.assert(fc.property(fc.array(action, { maxLength: 200 }), (actions) => {
      const heap = new MinHeap<number>((a, b) => a < b);
      const model: number[] = [];
      for (const step of actions) {
        if ('push' in step) {
          heap.push(step.push);
          model.push(step.push);
        } else {
          model.sort((a, b) => a - b);
          expect(heap.pop()).toBe(model.shift());
        }
        expect(heap.size).toBe(model.length);
        expect(heap.peek()).toBe(model.length === 0 ? undefined : Math.min(...model));
      }
    }), { numRuns: 300 });
  });

  it('orders records by a composite key', () => {
    const record = fc.record({ time: fc.nat({ max: 5 }), name: fc.constantFrom('a', 'b', 'c', 'd') });
    fc.assert(fc.property(fc.array(record, { maxLength: 60 }), (records) => {
      const heap = new MinHeap<{ time: number; name: string }>((a, b) => a.time < b.time || (a.time === b.time && a.name < b.name));
      for (const item of records) heap.push(item);
      const key = (item: { time: number; name: string }): string => `${item.time}:${item.name}`;
      const expected = [...records].sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      expect(drain(heap).map(key)).toEqual(expected.map(key));
    }), { numRuns: 200 });
  });
});
