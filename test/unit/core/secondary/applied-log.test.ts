import { describe, expect, it } from 'vitest';
import { BINARY_SHA256_FORMAT, encodeFrame } from '../../../../src/core/codec/index.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';
import type { LogEntry } from '../../../../src/core/operation.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import { survivors, watch } from '../../../support/collected.js';
import { bytesOf, drain, ofKind, random, T0 } from '../../../support/machine.js';
import { entry, HISTORY } from '../../../support/secondary.js';

type Format = 'json' | typeof BINARY_SHA256_FORMAT;

/** A secondary streaming HISTORY from sequence 1 on a link of `format`. */
function streamingOn(format: Format, limits: Partial<Limits> = {}): Secondary {
  const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 0 }, wireFormat: format === 'json' ? 'json' : 'binary', limits });
  secondary.handleTimeout(T0);
  const [connect] = ofKind(drain(secondary), 'connect');
  secondary.handleConnected(connect?.connectionId ?? 0, T0);
  drain(secondary);
  const chosen = format === 'json' ? {} : { wireFormat: 'binary-1' as const };
  secondary.handleBytes(1, bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0, ...chosen }), T0);
  secondary.handleBytes(1, bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }), T0);
  drain(secondary);
  return secondary;
}

const batch = (entries: readonly LogEntry[]): Frame => ({ kind: 'batch', timestampMs: T0, entries });

/** Delivers `frame` and answers every storage request it brings; returns the operations storage was given. */
function applied(secondary: Secondary, frame: Frame, format: Format): object[] {
  secondary.handleBytes(1, encodeFrame(frame, DEFAULT_LIMITS, format).bytes, T0);
  const operations: object[] = [];
  for (const request of ofKind(drain(secondary), 'storage')) {
    if (request.request.kind === 'apply') operations.push(...request.request.operations);
    secondary.handleStorageDone(request.requestId, { kind: 'done', durable: true }, T0);
    secondary.invariants();
    drain(secondary);
  }
  return operations;
}

function handedOver(secondary: Secondary): readonly LogEntry[] {
  secondary.close(T0);
  drain(secondary);
  return secondary.handover().entries;
}

describe("a secondary's applied log", () => {
  it.each<Format>(['json', BINARY_SHA256_FORMAT])('hands over what it applied on a %s link: single operations, batches, and a batch that repeats entries', (format) => {
    const secondary = streamingOn(format);
    const sent = Array.from({ length: 7 }, (_, index) => entry(index + 1));
    applied(secondary, { kind: 'operation', ...sent[0]! }, format);
    applied(secondary, batch(sent.slice(1, 4)), format);
    // A resent frame: its first two entries are duplicates, dropped; the rest is logged from the same frame.
    applied(secondary, batch(sent.slice(2, 7)), format);
    expect(handedOver(secondary)).toEqual(sent.map((each) => expect.objectContaining({ sequence: each.sequence, timestampMs: each.timestampMs, op: each.op })));
  });

  it('keeps no object decoded from a binary frame once storage applied it: the frame is kept as its bytes', async () => {
    const secondary = streamingOn(BINARY_SHA256_FORMAT);
    const refs = watch(applied(secondary, batch(Array.from({ length: 50 }, (_, index) => entry(index + 1))), BINARY_SHA256_FORMAT));
    expect(refs).toHaveLength(50);
    expect(await survivors(refs)).toBe(0);
    expect(handedOver(secondary).map((held) => held.sequence)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
  });

  it('evicts by its bounds with entries kept as frames, and still serves those it holds', () => {
    const secondary = streamingOn(BINARY_SHA256_FORMAT, { logEntriesMax: 4, pendingWritesMax: 4 });
    applied(secondary, batch([1, 2, 3].map((sequence) => entry(sequence))), BINARY_SHA256_FORMAT);
    applied(secondary, batch([4, 5, 6].map((sequence) => entry(sequence))), BINARY_SHA256_FORMAT);
    expect(handedOver(secondary).map((held) => held.sequence)).toEqual([3, 4, 5, 6]);
  });
});
