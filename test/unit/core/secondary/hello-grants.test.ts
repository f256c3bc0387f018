/**
 * What a secondary's HELLO says of it: the limits its decoder holds data frames to, and the
 * windows it grants and enforces. A primary sends a data frame only while what it has not seen
 * acknowledged leaves room in the window, so a frame that arrives while storage holds more than
 * the window comes from a primary that ignores it. Taking it would let decoded work pile up
 * without bound; it is refused, the link closed with `budget`, and counted.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';
import { set } from '../../../support/ops.js';
import { entryFrame, receive, snapshotting, streaming } from '../../../support/secondary.js';

/** Frames of at most 8 KiB, so that a window of a few frames is a valid configuration. */
const SMALL_FRAMES: Partial<Limits> = { valueBytesMax: 1_024, batchBytesMax: 4_096, snapshotChunkBytesMax: 4_096, frameBytesMax: 8_192 };

function helloOf(limits: Partial<Limits>): Frame | undefined {
  const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null, limits });
  secondary.handleTimeout(T0);
  const [connect] = ofKind(drain(secondary), 'connect');
  secondary.handleConnected(connect?.connectionId ?? 0, T0);
  return sentFrames(drain(secondary))[0];
}

/** Feeds frames to a secondary whose storage never finishes, until it refuses one: the bytes it held before each frame it took, and before the one refused. */
function feedUntilRefused(secondary: Secondary, frames: readonly Frame[]): { taken: number[]; refusedAt: number | null; codes: string[] } {
  const taken: number[] = [];
  let held = 0;
  for (const frame of frames) {
    const outputs = receive(secondary, frame);
    const codes = ofKind(outputs, 'close').map((close) => close.code);
    if (codes.length > 0) return { taken, refusedAt: held, codes };
    taken.push(held);
    held += bytesOf(frame).length;
  }
  return { taken, refusedAt: null, codes: [] };
}

describe('what a secondary grants and takes', () => {
  it('are in its HELLO only where its budgets differ from the defaults, so that one on the defaults says an older HELLO', () => {
    expect(helloOf({})).not.toHaveProperty('windowBytes');
    expect(helloOf({})).not.toHaveProperty('snapshotWindowBytes');
    expect(helloOf({ outboundBudgetBytes: 2 * DEFAULT_LIMITS.outboundBudgetBytes })).toMatchObject({ windowBytes: 2 * DEFAULT_LIMITS.outboundBudgetBytes });
    expect(helloOf({ snapshotBudgetBytes: 1_024 })).toMatchObject({ snapshotWindowBytes: 1_024 });
    expect(helloOf({ snapshotBudgetBytes: 1_024 })).not.toHaveProperty('windowBytes');
  });

  it('says the limits it takes only where they differ from the defaults', () => {
    expect(helloOf({})).not.toHaveProperty('receiveLimits');
    expect(helloOf({ valueBytesMax: 1_024, tagsMax: 8 })).toMatchObject({ receiveLimits: { valueBytesMax: 1_024, tagsMax: 8 } });
    expect(helloOf({ valueBytesMax: 1_024 })).not.toHaveProperty('receiveLimits.tagsMax');
  });

  it('takes a live data frame while storage holds up to the window, and refuses the first one past it with budget', () => {
    const secondary = streaming(undefined, { ...SMALL_FRAMES, outboundBudgetBytes: 8_192 });
    const frames = Array.from({ length: 200 }, (_, index) => entryFrame(index + 1));
    const { taken, refusedAt, codes } = feedUntilRefused(secondary, frames);
    expect(Math.max(...taken)).toBeLessThanOrEqual(8_192);
    expect(refusedAt).toBeGreaterThan(8_192);
    expect(codes).toEqual(['budget']);
    expect(secondary.getStats(T0).primary).toMatchObject({ windowsExceeded: 1, phase: 'idle' });
  });

  it('refuses a snapshot chunk that arrives while storage holds more than the snapshot window', () => {
    const { secondary } = snapshotting(1, { limits: { ...SMALL_FRAMES, outboundBudgetBytes: 64 * 1_024, snapshotBudgetBytes: 4_096 } });
    const chunks = Array.from({ length: 40 }, (_, index): Frame => ({ kind: 'snapshotChunk', timestampMs: T0, index, entries: [set(`k${index}`, 'v'.repeat(500))] }));
    const { taken, refusedAt, codes } = feedUntilRefused(secondary, chunks);
    expect(Math.max(...taken)).toBeLessThanOrEqual(4_096);
    expect(refusedAt).toBeGreaterThan(4_096);
    expect(codes).toEqual(['budget']);
    expect(secondary.getStats(T0).primary.windowsExceeded).toBe(1);
  });
});
