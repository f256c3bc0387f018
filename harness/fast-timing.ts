import type { Timing } from '../src/core/limits.js';

/** Fast enough that a lost link is noticed and replaced within a test's patience. */
export const FAST_TIMING: Partial<Timing> = {
  heartbeatIntervalMs: 200,
  replicationTimeoutMs: 2_000,
  handshakeTimeoutMs: 2_000,
  reconnectBaseMs: 20,
  reconnectCapMs: 200,
};
