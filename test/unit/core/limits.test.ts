/**
 * The rules every Limits and Timing must meet before a machine starts: each one refused when
 * broken, and its boundary accepted, so that a configuration the guarantees rely on cannot slip in.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS, DEFAULT_TIMING, FRAME_ENVELOPE_BYTES, helloTermsOf, PEER_HEARTBEAT_INTERVAL_MIN_MS, peerTermsOf, receiveLimitsShort, validateLimits, validateTiming,
  type Limits, type PeerTerms, type Timing,
} from '../../../src/core/limits.js';

const FRAME = 64 * 1024;
/** Limits that sit exactly on every boundary the rules allow. */
const AT_EVERY_BOUNDARY: Limits = {
  ...DEFAULT_LIMITS,
  frameBytesMax: FRAME,
  valueBytesMax: ((FRAME - FRAME_ENVELOPE_BYTES) / 4) * 3,
  batchBytesMax: FRAME - FRAME_ENVELOPE_BYTES,
  snapshotChunkBytesMax: FRAME - FRAME_ENVELOPE_BYTES,
  pendingWritesMax: DEFAULT_LIMITS.logEntriesMax,
  outboundBudgetBytes: FRAME,
  // The largest HELLO: two names of nameLengthMax code units, each escaped to six bytes, and the envelope.
  nameLengthMax: (FRAME - FRAME_ENVELOPE_BYTES) / 12,
  secondaryFrameBytesMax: FRAME,
  handshakesPerHostMax: DEFAULT_LIMITS.handshakesMax,
};

describe('validateLimits', () => {
  it('accepts the defaults and limits on every boundary', () => {
    expect(() => validateLimits(DEFAULT_LIMITS)).not.toThrow();
    expect(() => validateLimits(AT_EVERY_BOUNDARY)).not.toThrow();
  });

  it('accepts a frame as long as the 4-byte length prefix can say', () => {
    expect(() => validateLimits({ ...DEFAULT_LIMITS, frameBytesMax: 0xffff_ffff, outboundBudgetBytes: 0xffff_ffff })).not.toThrow();
  });

  it("keeps the log's default bounds the README states (16 MiB, and 256 MiB more for a connected secondary)", () => {
    expect(DEFAULT_LIMITS.logBytesMax).toBe(16 * 1024 * 1024);
    expect(DEFAULT_LIMITS.replicaBacklogBytesMax).toBe(256 * 1024 * 1024);
    expect(DEFAULT_LIMITS.logEntriesMax).toBe(1_000_000);
  });

  it("keeps a full resync's default window the README states: 4 MiB, within the outbound budget, and room for chunks of small values to fill a storage request", () => {
    const { snapshotBudgetBytes, outboundBudgetBytes, snapshotChunkBytesMax, snapshotChunkEntriesMax, storageRequestEntriesMax } = DEFAULT_LIMITS;
    expect(snapshotBudgetBytes).toBe(4 * 1024 * 1024);
    expect(snapshotBudgetBytes).toBeLessThan(outboundBudgetBytes);
    const fullChunksInFlight = Math.floor(snapshotBudgetBytes / (snapshotChunkBytesMax + FRAME_ENVELOPE_BYTES));
    expect(fullChunksInFlight * snapshotChunkEntriesMax).toBeGreaterThanOrEqual(storageRequestEntriesMax);
  });

  it.each<[string, Partial<Limits>, RegExp]>([
    ['a zero limit', { tagsMax: 0 }, /limit tagsMax must be a positive integer, got 0/],
    ['a fractional limit', { tagsMax: 1.5 }, /limit tagsMax must be a positive integer/],
    ['a frame too long for the length prefix', { frameBytesMax: 0x1_0000_0000, outboundBudgetBytes: 0x1_0000_0000 }, /frameBytesMax must fit the 4-byte length prefix/],
    ['a value one byte too large', { valueBytesMax: AT_EVERY_BOUNDARY.valueBytesMax + 1 }, /frameBytesMax must hold the largest value/],
    ['a batch one byte too large', { batchBytesMax: FRAME - FRAME_ENVELOPE_BYTES + 1 }, /a full batch must fit a frame/],
    ['a chunk one byte too large', { snapshotChunkBytesMax: FRAME - FRAME_ENVELOPE_BYTES + 1 }, /a full chunk must fit a frame/],
    ['more pending writes than the log holds', { pendingWritesMax: DEFAULT_LIMITS.logEntriesMax + 1 }, /pendingWritesMax must not exceed logEntriesMax/],
    ['a budget one byte short of a frame', { outboundBudgetBytes: FRAME - 1 }, /outboundBudgetBytes must hold the largest frame/],
    ['a secondary frame one byte short of the largest HELLO', { secondaryFrameBytesMax: FRAME - 1 }, /secondaryFrameBytesMax must hold the largest HELLO/],
    ['more handshakes per host than in all', { handshakesPerHostMax: DEFAULT_LIMITS.handshakesMax + 1 }, /handshakesPerHostMax must not exceed handshakesMax/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => validateLimits({ ...AT_EVERY_BOUNDARY, ...change })).toThrow(message);
  });
});

describe("a secondary's HELLO terms, and what a primary makes of them", () => {
  const MIB = 1024 * 1024;
  const withBudgets = (outboundMiB: number, snapshotMiB: number): Limits => ({ ...DEFAULT_LIMITS, outboundBudgetBytes: outboundMiB * MIB, snapshotBudgetBytes: snapshotMiB * MIB });
  const budgetsOf = (terms: PeerTerms): [number, number] => [terms.budgetBytes / MIB, terms.snapshotBudgetBytes / MIB];

  it('are empty on the defaults, so that such a secondary says the HELLO an older primary knows, and each names only what differs', () => {
    expect(helloTermsOf(DEFAULT_LIMITS, DEFAULT_TIMING)).toEqual({});
    expect(helloTermsOf({ ...DEFAULT_LIMITS, valueBytesMax: 1_024, nameLengthMax: 64 }, { ...DEFAULT_TIMING, replicationTimeoutMs: 2_000 })).toEqual({
      receiveLimits: { valueBytesMax: 1_024, nameLengthMax: 64 },
      replicationTimeoutMs: 2_000,
    });
    expect(helloTermsOf(withBudgets(32, 4), DEFAULT_TIMING)).toEqual({ windowBytes: 32 * MIB });
    expect(helloTermsOf(withBudgets(16, 1), DEFAULT_TIMING)).toEqual({ snapshotWindowBytes: 1 * MIB });
  });

  it('give the primary the smaller of its budgets and the windows, the snapshot one never above the other, the defaults for absent ones', () => {
    expect(budgetsOf(peerTermsOf(withBudgets(64, 32), DEFAULT_TIMING, { windowBytes: 8 * MIB, snapshotWindowBytes: 2 * MIB }))).toEqual([8, 2]);
    expect(budgetsOf(peerTermsOf(withBudgets(16, 4), DEFAULT_TIMING, { windowBytes: 64 * MIB, snapshotWindowBytes: 32 * MIB }))).toEqual([16, 4]);
    expect(budgetsOf(peerTermsOf(withBudgets(64, 32), DEFAULT_TIMING, { windowBytes: 1 * MIB }))).toEqual([1, 1]);
    expect(budgetsOf(peerTermsOf(withBudgets(64, 32), DEFAULT_TIMING, {}))).toEqual([16, 4]);
    for (const [outboundMiB, snapshotMiB] of [[16, 4], [32, 1], [20, 30], [64, 64]] as const) {
      const granted = peerTermsOf(withBudgets(128, 128), DEFAULT_TIMING, helloTermsOf(withBudgets(outboundMiB, snapshotMiB), DEFAULT_TIMING));
      expect(budgetsOf(granted)).toEqual([outboundMiB, Math.min(snapshotMiB, outboundMiB)]);
    }
  });

  it("have the primary heartbeat by its own interval, or often enough for the secondary's timeout, never below PEER_HEARTBEAT_INTERVAL_MIN_MS for it", () => {
    const slow = { ...DEFAULT_TIMING, heartbeatIntervalMs: 20_000, replicationTimeoutMs: 60_000 };
    const heartbeatOf = (timing: Timing, replicationTimeoutMs?: number): number => peerTermsOf(DEFAULT_LIMITS, timing, replicationTimeoutMs === undefined ? {} : { replicationTimeoutMs }).heartbeatIntervalMs;
    expect(heartbeatOf(DEFAULT_TIMING)).toBe(DEFAULT_TIMING.heartbeatIntervalMs);
    expect(heartbeatOf(slow)).toBe(DEFAULT_TIMING.replicationTimeoutMs / 3);
    expect(heartbeatOf(slow, 3_000)).toBe(1_000);
    expect(heartbeatOf(DEFAULT_TIMING, 120_000)).toBe(DEFAULT_TIMING.heartbeatIntervalMs);
    expect(heartbeatOf(DEFAULT_TIMING, 1)).toBe(PEER_HEARTBEAT_INTERVAL_MIN_MS);
    expect(heartbeatOf({ ...DEFAULT_TIMING, heartbeatIntervalMs: 20 }, 1)).toBe(20);
  });

  it("have the primary find every one of its receive limits above the secondary's, absent ones taken as the defaults", () => {
    expect(receiveLimitsShort(DEFAULT_LIMITS, undefined)).toEqual([]);
    const secondary: Limits = { ...DEFAULT_LIMITS, valueBytesMax: 1_024, nameLengthMax: 64 };
    const takes = helloTermsOf(secondary, DEFAULT_TIMING).receiveLimits;
    expect(receiveLimitsShort(DEFAULT_LIMITS, takes)).toEqual(['valueBytesMax 1024 < 8388608', 'nameLengthMax 64 < 4096']);
    expect(receiveLimitsShort(secondary, takes)).toEqual([]);
    expect(receiveLimitsShort({ ...DEFAULT_LIMITS, snapshotChunkEntriesMax: 513 }, {})).toEqual(['snapshotChunkEntriesMax 512 < 513']);
  });
});

describe('validateTiming', () => {
  const atBoundary: Timing = { ...DEFAULT_TIMING, heartbeatIntervalMs: DEFAULT_TIMING.replicationTimeoutMs - 1, reconnectBaseMs: DEFAULT_TIMING.reconnectCapMs };

  it('accepts the defaults and timing on every boundary', () => {
    expect(() => validateTiming(DEFAULT_TIMING)).not.toThrow();
    expect(() => validateTiming(atBoundary)).not.toThrow();
  });

  it.each<[string, Partial<Timing>, RegExp]>([
    ['a zero duration', { handshakeTimeoutMs: 0 }, /timing handshakeTimeoutMs must be a positive integer, got 0/],
    ['heartbeats as slow as the timeout', { heartbeatIntervalMs: DEFAULT_TIMING.replicationTimeoutMs }, /heartbeatIntervalMs must be below replicationTimeoutMs/],
    ['a reconnect base above its cap', { reconnectBaseMs: DEFAULT_TIMING.reconnectCapMs + 1 }, /reconnectBaseMs must not exceed reconnectCapMs/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => validateTiming({ ...atBoundary, ...change })).toThrow(message);
  });
});
