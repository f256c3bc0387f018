/**
 * The rules every Limits and Timing must meet before a machine starts: each one refused when
 * broken, and its boundary accepted, so that a configuration the guarantees rely on cannot slip in.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, DEFAULT_TIMING, FRAME_ENVELOPE_BYTES, heartbeatIntervalFor, PEER_HEARTBEAT_INTERVAL_MIN_MS, peerBudgetsOf, receiveLimitsOf, receiveLimitsShort, replicationTimeoutOffer, validateLimits, validateTiming, windowsOf, type Limits, type Timing } from '../../../src/core/limits.js';

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

describe("a primary's budgets for one secondary", () => {
  const MIB = 1024 * 1024;
  const primaryLimits = (outboundMiB: number, snapshotMiB: number): Limits => ({ ...DEFAULT_LIMITS, outboundBudgetBytes: outboundMiB * MIB, snapshotBudgetBytes: snapshotMiB * MIB });

  it('are the smaller of its own and the windows the HELLO grants, the snapshot one never above the other', () => {
    expect(peerBudgetsOf(primaryLimits(64, 32), { windowBytes: 8 * MIB, snapshotWindowBytes: 2 * MIB })).toEqual({ budgetBytes: 8 * MIB, snapshotBudgetBytes: 2 * MIB });
    expect(peerBudgetsOf(primaryLimits(16, 4), { windowBytes: 64 * MIB, snapshotWindowBytes: 32 * MIB })).toEqual({ budgetBytes: 16 * MIB, snapshotBudgetBytes: 4 * MIB });
    expect(peerBudgetsOf(primaryLimits(64, 32), { windowBytes: 1 * MIB })).toEqual({ budgetBytes: 1 * MIB, snapshotBudgetBytes: 1 * MIB });
  });

  it("take a HELLO without windows as granting the defaults, which are what a secondary that sends none has", () => {
    expect(windowsOf(DEFAULT_LIMITS)).toEqual({});
    expect(peerBudgetsOf(primaryLimits(64, 32), {})).toEqual({ budgetBytes: DEFAULT_LIMITS.outboundBudgetBytes, snapshotBudgetBytes: DEFAULT_LIMITS.snapshotBudgetBytes });
  });

  it('are what a secondary of any budgets grants in its HELLO, when the primary has more', () => {
    for (const [outboundMiB, snapshotMiB] of [[16, 4], [32, 1], [20, 30], [64, 64]] as const) {
      const secondaryLimits = primaryLimits(outboundMiB, snapshotMiB);
      expect(peerBudgetsOf(primaryLimits(128, 128), windowsOf(secondaryLimits))).toEqual({ budgetBytes: outboundMiB * MIB, snapshotBudgetBytes: Math.min(snapshotMiB, outboundMiB) * MIB });
    }
  });
});

describe('the limits a secondary takes', () => {
  it('are named in its HELLO where they differ from the defaults, and a primary finds every one of its own above them', () => {
    expect(receiveLimitsOf(DEFAULT_LIMITS)).toEqual({});
    expect(receiveLimitsShort(DEFAULT_LIMITS, undefined)).toEqual([]);
    const secondary: Limits = { ...DEFAULT_LIMITS, valueBytesMax: 1_024, nameLengthMax: 64 };
    expect(receiveLimitsOf(secondary)).toEqual({ valueBytesMax: 1_024, nameLengthMax: 64 });
    expect(receiveLimitsShort(DEFAULT_LIMITS, receiveLimitsOf(secondary))).toEqual(['valueBytesMax 1024 < 8388608', 'nameLengthMax 64 < 4096']);
    expect(receiveLimitsShort(secondary, receiveLimitsOf(secondary))).toEqual([]);
    expect(receiveLimitsShort({ ...DEFAULT_LIMITS, snapshotChunkEntriesMax: 513 }, {})).toEqual(['snapshotChunkEntriesMax 512 < 513']);
  });
});

describe("a primary's heartbeats to one secondary", () => {
  it('come by its own interval, or often enough for the timeout a HELLO gives (absent: the default)', () => {
    const slow = { ...DEFAULT_TIMING, heartbeatIntervalMs: 20_000, replicationTimeoutMs: 60_000 };
    expect(heartbeatIntervalFor(DEFAULT_TIMING, undefined)).toBe(DEFAULT_TIMING.heartbeatIntervalMs);
    expect(heartbeatIntervalFor(slow, undefined)).toBe(DEFAULT_TIMING.replicationTimeoutMs / 3);
    expect(heartbeatIntervalFor(slow, 3_000)).toBe(1_000);
    expect(heartbeatIntervalFor(DEFAULT_TIMING, 120_000)).toBe(DEFAULT_TIMING.heartbeatIntervalMs);
    // A HELLO cannot make the primary heartbeat more often than PEER_HEARTBEAT_INTERVAL_MIN_MS; its own interval may.
    expect(heartbeatIntervalFor(DEFAULT_TIMING, 1)).toBe(PEER_HEARTBEAT_INTERVAL_MIN_MS);
    expect(heartbeatIntervalFor({ ...DEFAULT_TIMING, heartbeatIntervalMs: 20 }, 1)).toBe(20);
  });

  it('follow a timeout a secondary names only where it differs from the default', () => {
    expect(replicationTimeoutOffer(DEFAULT_TIMING)).toEqual({});
    expect(replicationTimeoutOffer({ ...DEFAULT_TIMING, replicationTimeoutMs: 2_000 })).toEqual({ replicationTimeoutMs: 2_000 });
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
