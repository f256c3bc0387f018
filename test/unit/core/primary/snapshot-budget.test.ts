/**
 * A full resync spends its own, smaller budget (snapshotBudgetBytes): a secondary decodes each
 * chunk as it arrives and holds its entries until storage has them, and a snapshot always has
 * more to send, so the stream's whole budget would hold a secondary's memory at several times
 * its bytes for the whole resync (40 MiB of a joining secondary's peak RSS, measured by `npm run bench`).
 */
import { describe, expect, it } from 'vitest';
import type { Frame, HelloFrame } from '../../../../src/core/frame.js';
import type { Entry } from '../../../../src/core/keyspace.js';
import type { Limits } from '../../../../src/core/limits.js';
import type { Output } from '../../../../src/core/output.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, sentFrames, T0 } from '../../../support/machine.js';
import { ready } from '../../../support/primary.js';

const CHUNK_BYTES_MAX = 4_096;
/** Chunks of about 3 KiB on the wire, two entries each; frames of at most 8 KiB. */
const LIMITS: Partial<Limits> = { valueBytesMax: 1_024, batchBytesMax: 4_096, snapshotChunkBytesMax: CHUNK_BYTES_MAX, snapshotChunkEntriesMax: 2, frameBytesMax: 8_192, outboundBudgetBytes: 64 * 1_024 };
const PAGES = 100;

function page(index: number): Entry[] {
  return [set(`k${index}a`, 'v'.repeat(1_000)), set(`k${index}b`, 'v'.repeat(1_000))];
}

/** Answers each snapshot scan with the next page; returns the kinds of the frames sent meanwhile. */
function serveScans(primary: Primary, outputs: Output[], served: { pages: number }): Frame['kind'][] {
  const sent = sentFrames(outputs).map((frame) => frame.kind);
  for (let scan = ofKind(outputs, 'storage')[0]; scan?.request.kind === 'scan'; scan = ofKind(outputs, 'storage')[0]) {
    served.pages += 1;
    primary.handleStorageDone(scan.requestId, { kind: 'scanned', entries: page(served.pages), done: served.pages === PAGES }, T0);
    primary.invariants();
    outputs = drain(primary);
    sent.push(...sentFrames(outputs).map((frame) => frame.kind));
  }
  return sent;
}

function unackedBytes(primary: Primary): number {
  return primary.getStats(T0).replicas[0]?.queueSize ?? 0;
}

/** A secondary of another history asks to sync and acknowledges nothing: the chunks sent until the primary stops. */
function snapshotToASilentSecondary(limits: Partial<Limits>, windows: Pick<HelloFrame, 'windowBytes' | 'snapshotWindowBytes'> = {}): { primary: Primary; chunks: number; served: { pages: number } } {
  const primary = ready({ limits: { ...LIMITS, ...limits } });
  primary.handleConnected(1, 'test:1', T0);
  primary.handleBytes(1, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'r1', auth: null, ...windows }), T0);
  primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
  const served = { pages: 0 };
  const chunks = serveScans(primary, drain(primary), served).filter((kind) => kind === 'snapshotChunk').length;
  return { primary, chunks, served };
}

describe('a full resync spends snapshotBudgetBytes', () => {
  it('stops sending chunks once the snapshot budget is spent, well inside the outbound budget', () => {
    const { primary, chunks } = snapshotToASilentSecondary({ snapshotBudgetBytes: 16 * 1_024 });
    expect(chunks).toBeGreaterThan(1);
    expect(chunks).toBeLessThan(PAGES);
    expect(unackedBytes(primary)).toBeLessThanOrEqual(16 * 1_024);
  });

  it('goes on as the secondary acknowledges, to the end', () => {
    const { primary, served } = snapshotToASilentSecondary({ snapshotBudgetBytes: 16 * 1_024 });
    let ends = 0;
    let bytesReceived = 0; // counted from the start of the link
    for (let round = 0; round < PAGES && ends === 0; round += 1) {
      bytesReceived += unackedBytes(primary);
      primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 0, appliedSequence: 0, durableSequence: 0, bytesReceived }), T0);
      ends += serveScans(primary, drain(primary), served).filter((kind) => kind === 'snapshotEnd').length;
      expect(unackedBytes(primary)).toBeLessThanOrEqual(16 * 1_024);
    }
    expect(served.pages).toBe(PAGES);
    expect(ends).toBe(1);
  });

  it('sends one chunk at a time when the budget is below a chunk, rather than none', () => {
    const { primary, chunks } = snapshotToASilentSecondary({ snapshotBudgetBytes: 1 });
    expect(chunks).toBe(1);
    expect(unackedBytes(primary)).toBeGreaterThan(1);
  });

  it('is never more than the outbound budget', () => {
    const { primary } = snapshotToASilentSecondary({ snapshotBudgetBytes: 1024 * 1_024, outboundBudgetBytes: 16 * 1_024 });
    expect(unackedBytes(primary)).toBeLessThanOrEqual(16 * 1_024);
  });

  it('is never more than the snapshot window or the window the HELLO grants', () => {
    const bySnapshotWindow = snapshotToASilentSecondary({ snapshotBudgetBytes: 32 * 1_024 }, { snapshotWindowBytes: 12 * 1_024 });
    expect(bySnapshotWindow.chunks).toBeGreaterThan(1);
    expect(unackedBytes(bySnapshotWindow.primary)).toBeLessThanOrEqual(12 * 1_024);
    const byWindow = snapshotToASilentSecondary({ snapshotBudgetBytes: 32 * 1_024 }, { windowBytes: 16 * 1_024 });
    expect(unackedBytes(byWindow.primary)).toBeLessThanOrEqual(16 * 1_024);
    expect(unackedBytes(snapshotToASilentSecondary({ snapshotBudgetBytes: 32 * 1_024 }).primary)).toBeGreaterThan(16 * 1_024);
  });
});
