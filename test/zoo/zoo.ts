import type fc from 'fast-check';
import { Primary, type PrimaryOptions } from '../../src/core/primary/primary.js';
import { Secondary, type SecondaryOptions } from '../../src/core/secondary/secondary.js';
import { scenarioArb, scenarioFaultsArb, workloadArb } from '../../sim/arbitraries.js';
import type { Scenario } from '../../sim/scenario.js';
import type { NodeFactories } from '../../sim/simulation.js';
import { FailedApplyAdvancingSecondary } from './variants/failed-apply-advances.js';
import { FrameSkippingSecondary } from './variants/frame-skipping.js';
import { GapApplyingSecondary } from './variants/gap-applying.js';
import { HeartbeatSequenceSecondary } from './variants/heartbeat-sequence.js';
import { HistoryBlindPrimary, HistoryBlindSecondary } from './variants/history-blind.js';
import { KeptBufferSecondary } from './variants/kept-buffer.js';
import { LastNCatchUpPrimary } from './variants/last-n-catch-up.js';
import { ReorderingPrimary } from './variants/reordering.js';
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
const CORRUPTION_ONLY = scenarioArb({
  faults: scenarioFaultsArb.map((faults) => ({ ...faults, network: { ...faults.network, dropProbability: 0, reorderProbability: 0, resetProbability: 0 } })),
  steps: () => workloadArb({ maxLength: 20 }),
});

/** Nothing garbles a stream (no corruption, no reordering) but a partial frame kept across a reconnect. */
const STREAMS_INTACT = scenarioArb({
  maxSteps: 20,
  faults: scenarioFaultsArb.map((faults) => ({ ...faults, network: { ...faults.network, corruptProbability: 0, reorderProbability: 0 } })),
});

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
];
