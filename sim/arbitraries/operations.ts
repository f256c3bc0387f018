import fc from 'fast-check';
import { DEFAULT_CONTEXT, type StorageContext } from '../../src/core/api-operations.js';
import type { ScenarioCall, WriteStep } from '../scenario.js';
import { nameArb } from './names.js';

// Small alphabets, so that writes collide on paths, flushes hit what was written, values repeat;
// each name is sometimes a wide one instead (see nameArb).
export const PATHS = ['p0', 'p1', 'p2', 'p3'] as const;
const path = nameArb(PATHS);
const key = nameArb(['k0', 'k1']);
// The default db and namespace are what writeData writes to: the most common entry of all.
const db = nameArb([DEFAULT_CONTEXT.db, 'd1']);
const namespace = nameArb([DEFAULT_CONTEXT.namespace, 'n1']);
const value = fc.constantFrom('a', 'b', 'c', 'd', 'é\u{1f600}');
const tags = fc.uniqueArray(nameArb(['t0', 't1', 't2']), { maxLength: 2 });
/** Half the writes set an expiry: 0 to 5 s away, in quarter seconds (see runForStepArb). */
const ttl = fc.option(fc.integer({ min: 0, max: 20 }).map((quarters) => quarters / 4), { nil: null, freq: 2 });

/** The context a write runs under, as setContext sets it: a third of the time, the default one. */
export const contextArb: fc.Arbitrary<StorageContext> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(DEFAULT_CONTEXT) },
  { weight: 2, arbitrary: fc.record({ db, namespace }) },
);

// Optional fields are absent, not undefined, so that a call and its JSON are the same thing.
export const setArb: fc.Arbitrary<ScenarioCall> = fc.record(
  { method: fc.constant('writeWithReplication'), relativePath: path, data: value, key, tags, ttl },
  { requiredKeys: ['method', 'relativePath', 'data'] },
);
export const deleteArb: fc.Arbitrary<ScenarioCall> = fc.record(
  { method: fc.constant('deleteWithReplication'), relativePath: path, key },
  { requiredKeys: ['method', 'relativePath'] },
);
export const setTtlArb: fc.Arbitrary<ScenarioCall> = fc.record({ method: fc.constant('setTtl'), path, ttl });
export const metadataArb: fc.Arbitrary<ScenarioCall> = fc.record({ method: fc.constant('setTags'), path, tags });
export const flushArb: fc.Arbitrary<ScenarioCall> = fc.record({
  method: fc.constant('flush'),
  db: fc.option(db, { nil: null }),
  namespace: fc.option(namespace, { nil: null }),
});

const contextFreeCallArb: fc.Arbitrary<ScenarioCall> = fc.oneof(
  { weight: 2, arbitrary: deleteArb },
  { weight: 1, arbitrary: setTtlArb },
  { weight: 1, arbitrary: metadataArb },
  { weight: 1, arbitrary: flushArb },
);

/** Every write call, writeWithReplication the most frequent and alone with a context: no other call reads one. */
export const callInContextArb: fc.Arbitrary<Omit<WriteStep, 'kind'>> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ call: setArb, context: contextArb }) },
  { weight: 5, arbitrary: fc.record({ call: contextFreeCallArb }) },
);

/** Every write call of the API, writeWithReplication the most frequent. */
export const operationArb: fc.Arbitrary<ScenarioCall> = callInContextArb.map(({ call }) => call);
