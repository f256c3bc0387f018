import fc from 'fast-check';
import { FRAME_ENVELOPE_BYTES, type Limits } from '../../src/core/limits.js';
import { Primary, type PrimaryOptions } from '../../src/core/primary/primary.js';
import { Secondary, type SecondaryOptions } from '../../src/core/secondary/secondary.js';
import { authTokensArb, PATHS, runForStepArb, scenarioArb, scenarioFaultsArb, wireFormatsArb, workloadArb } from '../../sim/arbitraries.js';
import { SIM_LIMITS } from '../../sim/options.js';
import type { Scenario, Step } from '../../sim/scenario.js';
import type { NodeFactories } from '../../sim/simulation.js';
import { EarlyAckSecondary } from './variants/early-ack.js';
import { FailedApplyAdvancingSecondary } from './variants/failed-apply-advances.js';
import { FrameSkippingSecondary } from './variants/frame-skipping.js';
import { GapApplyingSecondary } from './variants/gap-applying.js';
import { HeartbeatSequenceSecondary } from './variants/heartbeat-sequence.js';
import { HistoryBlindPrimary, HistoryBlindSecondary } from './variants/history-blind.js';
import { KeptBufferSecondary } from './variants/kept-buffer.js';
import { LastNCatchUpPrimary } from './variants/last-n-catch-up.js';
import { ReorderingPrimary } from './variants/reordering.js';
import { ProofBlindSecondary, TokenBlindPrimary } from './variants/token-blind.js';
import { UnreplicatedExpiryPrimary } from './variants/unreplicated-expiry.js';

/** A broken variant of our core, and the failure of the original it brings back. */
export interface ZooVariant {
  readonly name: string;
  /** The numbers of ../shared/reference/nadb-original.md's failure list. */
  readonly original: readonly number[];
  readonly nodes: NodeFactories;
  /** Scenarios narrowed so that the counterexample shows this flaw at work (the default otherwise). */
  readonly scenarios?: fc.Arbitrary<Scenario>;
}

/** Small scenarios: each variant fails within a few hundred runs and shrinks quickly. */
export const ZOO_SCENARIOS = scenarioArb({ maxSteps: 20 });

/** Only corruption loses frames (no drops, reorders or partitions), so a gap comes from a skipped frame. */
/** The original's framing, which these variants bring back, reads JSON frames only. */
const JSON_ONLY = (secondaries: number): ReturnType<typeof wireFormatsArb> => wireFormatsArb(secondaries, ['json']);

const CORRUPTION_ONLY = scenarioArb({
  wireFormats: JSON_ONLY,
  faults: scenarioFaultsArb.map((faults) => ({ ...faults, network: { ...faults.network, dropProbability: 0, reorderProbability: 0, resetProbability: 0 } })),
  steps: () => workloadArb({ maxLength: 20 }),
});

/** Nothing garbles a stream (no corruption, no reordering) but a partial frame kept across a reconnect. */
const STREAMS_INTACT = scenarioArb({
  wireFormats: JSON_ONLY,
  maxSteps: 20,
  faults: scenarioFaultsArb.map((faults) => ({ ...faults, network: { ...faults.network, corruptProbability: 0, reorderProbability: 0 } })),
});

/**
 * Issue 8's shape: s1's disk far slower than the stream, and frames large beside the smallest
 * budget the limits allow (one largest frame), so that a few writes fill it.
 */
const SLOW_DISK_LATENCY_MEAN_MS = 400;
/** Every write this large (its frame about a quarter of the budget), so that shrinking only drops steps. */
const LARGE_VALUE_BYTES = 1024;
/** Room for the largest write's wire bound: its value in base64, a 512-byte allowance, short names. */
const SMALL_FRAME_BYTES_MAX = FRAME_ENVELOPE_BYTES + 2 * LARGE_VALUE_BYTES;
const SMALL_BUDGET_LIMITS: Partial<Limits> = {
  ...SIM_LIMITS,
  valueBytesMax: LARGE_VALUE_BYTES,
  frameBytesMax: SMALL_FRAME_BYTES_MAX,
  batchBytesMax: SMALL_FRAME_BYTES_MAX - FRAME_ENVELOPE_BYTES,
  snapshotChunkBytesMax: SMALL_FRAME_BYTES_MAX - FRAME_ENVELOPE_BYTES,
  outboundBudgetBytes: SMALL_FRAME_BYTES_MAX,
};
const largeWriteArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('write'),
  op: fc.record({
    type: fc.constant('SET'),
    path: fc.constantFrom(...PATHS),
    value: fc.constant('v'.repeat(LARGE_VALUE_BYTES)),
    db: fc.constant('d0'),
    namespace: fc.constant('n0'),
    tags: fc.constant([]),
    expiresInMs: fc.constant(null),
  }),
});
const ONE_SLOW_DISK = scenarioArb({
  limits: SMALL_BUDGET_LIMITS,
  faults: scenarioFaultsArb.map((faults) => ({ ...faults, nodeFaults: { s1: { storage: { latencyMeanMs: SLOW_DISK_LATENCY_MEAN_MS } } } })),
  steps: () => fc.array(fc.oneof({ weight: 3, arbitrary: largeWriteArb }, { weight: 1, arbitrary: runForStepArb }), { maxLength: 20, size: 'max' }),
});

/** Auth on, and now and then a secondary with the wrong token or none: the one the handshake must keep out. */
const WITH_TOKENS = scenarioArb({ maxSteps: 20, authTokens: authTokensArb });

function nodes(
  primary: new (options: PrimaryOptions) => Primary = Primary,
  secondary: new (options: SecondaryOptions) => Secondary = Secondary,
): NodeFactories {
  return { primary: (options) => new primary(options), secondary: (options) => new secondary(options) };
}

export const ZOO: readonly ZooVariant[] = [
  { name: 'a gap applied anyway', original: [11], nodes: nodes(Primary, GapApplyingSecondary) },
  { name: 'the applied sequence advanced though storage failed', original: [11], nodes: nodes(Primary, FailedApplyAdvancingSecondary) },
  { name: 'a resume that ignores the replication id', original: [4], nodes: nodes(HistoryBlindPrimary, HistoryBlindSecondary) },
  { name: 'catch-up limited to the log, without a snapshot', original: [1], nodes: nodes(LastNCatchUpPrimary) },
  { name: 'a heartbeat that consumes a data sequence number', original: [10], nodes: nodes(Primary, HeartbeatSequenceSecondary) },
  { name: 'a frame skipped on a checksum error (and gaps applied)', original: [8, 11], nodes: nodes(Primary, FrameSkippingSecondary), scenarios: CORRUPTION_ONLY },
  { name: 'a partial frame kept across a reconnect (and any length believed)', original: [7], nodes: nodes(Primary, KeptBufferSecondary), scenarios: STREAMS_INTACT },
  { name: 'expiry not replicated', original: [12], nodes: nodes(UnreplicatedExpiryPrimary) },
  { name: 'concurrent writes applied out of sequence order', original: [5], nodes: nodes(ReorderingPrimary) },
  { name: 'data frames acknowledged on receipt, not when applied (issue 8)', original: [2, 16], nodes: nodes(Primary, EarlyAckSecondary), scenarios: ONE_SLOW_DISK },
  { name: 'any AUTH taken as proof of the token', original: [19], nodes: nodes(TokenBlindPrimary, ProofBlindSecondary), scenarios: WITH_TOKENS },
];
