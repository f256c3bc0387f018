import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitExceededError } from '../../src/core/errors.js';
import type { Operation } from '../../src/core/operation.js';
import { PrefixChecker } from '../../sim/checkers.js';
import type { SegmentFilter } from '../../sim/network.js';
import { Simulation } from '../../sim/simulation.js';

const SECONDARIES = ['s1', 's2'] as const;
type SecondaryName = (typeof SECONDARIES)[number];

type Step =
  | { readonly kind: 'write'; readonly op: OperationSpec }
  | { readonly kind: 'run'; readonly ms: number }
  | { readonly kind: 'crash' | 'restart' | 'partition' | 'repair' | 'reset' | 'clean'; readonly node: SecondaryName }
  | { readonly kind: 'lossy' | 'duplicating'; readonly node: SecondaryName; readonly every: number }
  | { readonly kind: 'restartPrimary' };

/** An operation whose expiry is relative, resolved against the clock when it is written. */
type OperationSpec =
  | { readonly type: 'SET'; readonly path: string; readonly db: string; readonly namespace: string; readonly tags: string[]; readonly value: number; readonly expiresInMs: number | null }
  | { readonly type: 'DELETE'; readonly path: string }
  | { readonly type: 'SET_TTL'; readonly path: string; readonly expiresInMs: number | null }
  | { readonly type: 'METADATA'; readonly path: string; readonly tags: string[] }
  | { readonly type: 'FLUSH'; readonly db: string | null; readonly namespace: string | null };

const path = fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5');
const db = fc.constantFrom('d0', 'd1');
const namespace = fc.constantFrom('n0', 'n1');
const tags = fc.uniqueArray(fc.constantFrom('t0', 't1', 't2'), { maxLength: 2 });
const expiresInMs = fc.option(fc.integer({ min: 0, max: 5_000 }), { freq: 4 });
const node = fc.constantFrom(...SECONDARIES);

const operationSpec: fc.Arbitrary<OperationSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('SET' as const), path, db, namespace, tags, value: fc.nat(1_000), expiresInMs }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('DELETE' as const), path }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('SET_TTL' as const), path, expiresInMs }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('METADATA' as const), path, tags }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FLUSH' as const), db: fc.option(db), namespace: fc.option(namespace) }) },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('write' as const), op: operationSpec }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 3_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('crash', 'restart', 'partition', 'repair', 'reset', 'clean'), node }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('lossy', 'duplicating'), node, every: fc.integer({ min: 2, max: 6 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restartPrimary' as const }) },
);

const encoder = new TextEncoder();

function resolve(spec: OperationSpec, nowMs: number): Operation {
  switch (spec.type) {
    case 'SET':
      return {
        type: 'SET',
        path: spec.path,
        key: spec.path,
        value: encoder.encode(`v${spec.value}`),
        db: spec.db,
        namespace: spec.namespace,
        tags: spec.tags,
        expiresAtMs: spec.expiresInMs === null ? null : nowMs + spec.expiresInMs,
      };
    case 'SET_TTL':
      return { type: 'SET_TTL', path: spec.path, expiresAtMs: spec.expiresInMs === null ? null : nowMs + spec.expiresInMs };
    default:
      return spec;
  }
}

/** Lets through all but every n-th frame (or duplicates it), counting frames on this link. */
function everyNth(every: number, fate: 'drop' | 'duplicate'): SegmentFilter {
  let count = 0;
  return () => {
    count += 1;
    return count % every === 0 ? fate : 'deliver';
  };
}

const TIMING = { heartbeatIntervalMs: 200, replicationTimeoutMs: 1_000, handshakeTimeoutMs: 500, reconnectBaseMs: 10, reconnectCapMs: 500 };
const LIMITS = { logEntriesMax: 12, pendingWritesMax: 12, batchEntriesMax: 3, snapshotChunkEntriesMax: 2 };

function apply(cluster: Simulation, step: Step): void {
  switch (step.kind) {
    case 'write':
      try {
        cluster.write(resolve(step.op, cluster.nowMs));
      } catch (error) {
        if (!(error instanceof LimitExceededError)) throw error; // back-pressure is an answer, not a loss
      }
      return;
    case 'run':
      cluster.runFor(step.ms);
      return;
    case 'crash':
      if (cluster.secondary(step.node).up) cluster.crash(step.node);
      return;
    case 'restart':
      if (!cluster.secondary(step.node).up) cluster.restart(step.node);
      return;
    case 'partition':
      cluster.partition(step.node);
      return;
    case 'repair':
      cluster.repair(step.node);
      return;
    case 'reset':
      cluster.reset(step.node);
      return;
    case 'clean':
      cluster.setFilter(step.node, null);
      return;
    case 'lossy':
      cluster.setFilter(step.node, everyNth(step.every, 'drop'));
      return;
    case 'duplicating':
      cluster.setFilter(step.node, everyNth(step.every, 'duplicate'));
      return;
    case 'restartPrimary':
      cluster.restartPrimary();
      return;
  }
}

function heal(cluster: Simulation): void {
  for (const name of SECONDARIES) {
    cluster.repair(name);
    cluster.setFilter(name, null);
    if (!cluster.secondary(name).up) cluster.restart(name);
  }
}

describe('cluster properties (the real core on an in-memory network with faults)', () => {
  it('every secondary always holds exactly its history at its position, and all converge after healing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }), (seed, steps) => {
        const cluster = new Simulation({ seed, secondaries: SECONDARIES.length, limits: LIMITS, timing: TIMING });
        const checker = new PrefixChecker();
        cluster.afterEachStep = () => {
          const violation = checker.check(cluster);
          if (violation !== null) throw new Error(`prefix consistency: ${violation}`);
        };
        for (const next of steps) apply(cluster, next);
        heal(cluster);
        const converged = cluster.runUntil(() => cluster.converged(), 60_000);
        if (!converged) throw new Error(`no convergence within 60 s after healing: ${cluster.divergence() ?? ''}`);
      }),
      { numRuns: 150 },
    );
  });

  it('the checker itself catches a secondary whose data differs from its history', () => {
    const cluster = new Simulation({ seed: 3, secondaries: 1 });
    cluster.write({ type: 'SET', path: 'a', key: 'a', value: encoder.encode('1'), db: 'd', namespace: 'n', tags: [], expiresAtMs: null });
    expect(cluster.runUntil(() => cluster.converged(), 10_000)).toBe(true);
    const checker = new PrefixChecker();
    expect(checker.check(cluster)).toBeNull();
    cluster.secondary('s1').store.live.apply({ type: 'DELETE', path: 'a' });
    expect(checker.check(cluster)).toMatch(/s1 at .*missing a|entries where/);
  });
});
