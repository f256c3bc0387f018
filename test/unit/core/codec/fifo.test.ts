import { describe, expect, it } from 'vitest';
import { Fifo } from '../../../../src/core/codec/fifo.js';
import { survivors, watch } from '../../../support/collected.js';

function drain<T>(fifo: Fifo<T>): T[] {
  const items: T[] = [];
  for (let item = fifo.shift(); item !== undefined; item = fifo.shift()) items.push(item);
  return items;
}

describe('Fifo', () => {
  it('gives items back first in, first out, and counts what it still holds', () => {
    const fifo = new Fifo<number>();
    expect(fifo.length).toBe(0);
    fifo.push(1);
    fifo.push(2);
    fifo.push(3);
    expect(fifo.length).toBe(3);
    expect(fifo.peek()).toBe(1);
    expect(fifo.shift()).toBe(1);
    expect(fifo.length).toBe(2);
    fifo.push(4);
    expect(drain(fifo)).toEqual([2, 3, 4]);
    expect(fifo.length).toBe(0);
    expect(fifo.peek()).toBeUndefined();
    expect(fifo.shift()).toBeUndefined();
  });

  it('takes items again once drained, and after a clear', () => {
    const fifo = new Fifo<number>();
    fifo.push(1);
    fifo.shift();
    fifo.push(2);
    expect(fifo.length).toBe(1);
    expect(fifo.shift()).toBe(2);
    fifo.push(3);
    fifo.clear();
    expect(fifo.length).toBe(0);
    fifo.push(5);
    expect(drain(fifo)).toEqual([5]);
  });

  it('keeps the order across its compactions, shifting and pushing in turn', () => {
    const fifo = new Fifo<number>();
    const pushed: number[] = [];
    const shifted: number[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      pushed.push(i, i + 5_000);
      fifo.push(i);
      fifo.push(i + 5_000);
      const item = fifo.shift();
      if (item !== undefined) shifted.push(item);
    }
    expect(fifo.length).toBe(5_000);
    expect([...shifted, ...drain(fifo)]).toEqual(pushed);
  });

  it('lets go of what it gave back, long before its next compaction', async () => {
    // A frame decoder's socket chunks: kept by consumed slots, a secondary held 1,023 of them (64 KiB each) at times.
    const fifo = new Fifo<Uint8Array>();
    const given = watch(Array.from({ length: 10 }, () => {
      const chunk = new Uint8Array(16);
      fifo.push(chunk);
      return chunk;
    }));
    const kept = new Uint8Array(16);
    fifo.push(kept);
    for (let i = 0; i < 10; i += 1) fifo.shift();
    expect(await survivors(given)).toBe(0);
    expect(fifo.peek()).toBe(kept);
  });
});
