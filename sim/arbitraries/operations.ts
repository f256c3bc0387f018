import fc from 'fast-check';
import type { OperationSpec } from '../scenario.js';

// Small alphabets: writes collide on paths, flushes hit what was written, values repeat.
export const PATHS = ['p0', 'p1', 'p2', 'p3'] as const;
const path = fc.constantFrom(...PATHS);
const db = fc.constantFrom('d0', 'd1');
const namespace = fc.constantFrom('n0', 'n1');
const value = fc.constantFrom('a', 'b', 'c', 'd');
const tags = fc.uniqueArray(fc.constantFrom('t0', 't1', 't2'), { maxLength: 2 });
/** Half the writes set an expiry: 0 to 5 s away, in steps of 250 ms (see runForStepArb). */
const expiresInMs = fc.option(fc.integer({ min: 0, max: 20 }).map((quarters) => quarters * 250), { nil: null, freq: 2 });

export const setArb: fc.Arbitrary<OperationSpec> = fc.record({ type: fc.constant('SET'), path, value, db, namespace, tags, expiresInMs });
export const deleteArb: fc.Arbitrary<OperationSpec> = fc.record({ type: fc.constant('DELETE'), path });
export const setTtlArb: fc.Arbitrary<OperationSpec> = fc.record({ type: fc.constant('SET_TTL'), path, expiresInMs });
export const metadataArb: fc.Arbitrary<OperationSpec> = fc.record({ type: fc.constant('METADATA'), path, tags });
export const flushArb: fc.Arbitrary<OperationSpec> = fc.record({
  type: fc.constant('FLUSH'),
  db: fc.option(db, { nil: null }),
  namespace: fc.option(namespace, { nil: null }),
});

/** Every operation type, SET the most frequent, over the small alphabets. */
export const operationArb: fc.Arbitrary<OperationSpec> = fc.oneof(
  { weight: 6, arbitrary: setArb },
  { weight: 2, arbitrary: deleteArb },
  { weight: 1, arbitrary: setTtlArb },
  { weight: 1, arbitrary: metadataArb },
  { weight: 1, arbitrary: flushArb },
);
