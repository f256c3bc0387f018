import { describe, expect, it } from 'vitest';
import { OutputQueue, type Output } from '../../../src/core/output.js';

const transmit = (connectionId: number): Output => ({ kind: 'transmit', connectionId, bytes: new Uint8Array([connectionId]) });

describe('OutputQueue', () => {
  it('gives outputs back first in, first out, and counts what it still holds', () => {
    const queue = new OutputQueue();
    expect(queue.length).toBe(0);
    queue.push(transmit(1));
    queue.push(transmit(2));
    queue.push(transmit(3));
    expect(queue.length).toBe(3);
    expect(queue.shift()).toEqual(transmit(1));
    expect(queue.length).toBe(2);
    queue.push(transmit(4));
    expect([queue.shift(), queue.shift(), queue.shift()]).toEqual([transmit(2), transmit(3), transmit(4)]);
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it('takes outputs again once drained', () => {
    const queue = new OutputQueue();
    queue.push(transmit(1));
    queue.shift();
    queue.push(transmit(2));
    expect(queue.length).toBe(1);
    expect(queue.shift()).toEqual(transmit(2));
  });
});
