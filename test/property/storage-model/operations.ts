/**
 * Operations as generated for the storage model: expiries are relative to the run's start, so a
 * run can reach, pass and extend them on the wall clock (the clock a backend might keep itself).
 */
import fc from 'fast-check';
import { COMPACT_VALUE_BYTES_MAX } from '../../../src/core/limits.js';
import type { Operation } from '../../../src/core/operation.js';

/**
 * Paths that share a directory, nest, and leave the BMP; `a`, `a/b` and `a/b/c` are each
 * other's directories (a file system must hold a path that is both), and `a-` sorts between `a`
 * and `a/b` in code units (so `a`'s subtree is not listed in one piece).
 */
export const PATHS = ['a', 'a-', 'a/b', 'a/b/c', 'b/c', 'b/d', 'e/f/g', 'é', '\uFB00', '\u{1F600}'];
export const TAGS = ['t1', 't2', 't3'];
export const PREFIXES = ['', 'a', 'a/', 'a/b', 'b', 'b/', 'e/f', '\u{1F600}', 'z'];
/** The longest expiry offset drawn: waits reach past it in a few steps. */
export const SOON_MS_MAX = 40;
/** 2100-01-01. */
const FAR_FUTURE_MS = 4_102_444_800_000;

/** null: never; `past`: before the run started; `soon`: this many ms after it; `far`: 2100. */
export type ExpirySpec = null | 'past' | 'far' | { readonly soonMs: number };

export type OperationSpec =
  | (Omit<Extract<Operation, { type: 'SET' }>, 'expiresAtMs'> & { readonly expiry: ExpirySpec })
  | Extract<Operation, { type: 'DELETE' | 'METADATA' | 'FLUSH' }>
  | { readonly type: 'SET_TTL'; readonly path: string; readonly expiry: ExpirySpec };

/** A SET's value is a copy: the backend may keep it, and a shrink replays the same spec. */
export function resolveOperation(spec: OperationSpec, startMs: number): Operation {
  if (spec.type === 'SET') {
    const { expiry, ...rest } = spec;
    return { ...rest, value: rest.value.slice(), expiresAtMs: expiresAtMsOf(expiry, startMs) };
  }
  if (spec.type === 'SET_TTL') return { type: 'SET_TTL', path: spec.path, expiresAtMs: expiresAtMsOf(spec.expiry, startMs) };
  return spec;
}

function expiresAtMsOf(expiry: ExpirySpec, startMs: number): number | null {
  if (expiry === null) return null;
  if (expiry === 'past') return startMs - 60_000;
  if (expiry === 'far') return FAR_FUTURE_MS;
  return startMs + expiry.soonMs;
}

const expiryArb: fc.Arbitrary<ExpirySpec> = fc.oneof(
  fc.constant(null),
  fc.constant<ExpirySpec>('past'),
  fc.constant<ExpirySpec>('far'),
  fc.record({ soonMs: fc.integer({ min: 1, max: SOON_MS_MAX }) }),
);
const pathArb = fc.constantFrom(...PATHS);
const tagsArb = fc.array(fc.constantFrom(...TAGS), { maxLength: 3 });

const setArb: fc.Arbitrary<OperationSpec> = fc.record({
  type: fc.constant('SET' as const),
  path: pathArb,
  // Shared keys put two paths under one (db, namespace, key): the original's HASH layout.
  key: fc.constantFrom('k', 'l'),
  // Some on either side of the size a keyspace keeps as text rather than bytes.
  value: fc.oneof(
    { weight: 9, arbitrary: fc.uint8Array({ maxLength: 24 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: COMPACT_VALUE_BYTES_MAX - 2, maxLength: COMPACT_VALUE_BYTES_MAX + 40 }) },
  ),
  db: fc.constantFrom('d1', 'd2'),
  namespace: fc.constantFrom('n1', 'n2'),
  tags: tagsArb,
  expiry: expiryArb,
});

export const operationSpecArb: fc.Arbitrary<OperationSpec> = fc.oneof(
  { weight: 4, arbitrary: setArb },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('DELETE' as const), path: pathArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('SET_TTL' as const), path: pathArb, expiry: expiryArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('METADATA' as const), path: pathArb, tags: tagsArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('FLUSH' as const),
      db: fc.constantFrom(null, 'd1', 'd2'),
      namespace: fc.constantFrom(null, 'n1', 'n2'),
    }),
  },
);

export const batchArb = fc.array(operationSpecArb, { minLength: 1, maxLength: 8 });
