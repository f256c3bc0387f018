import { describe, expect, it } from 'vitest';
import { applyOperation, type OperationTarget } from '../../../src/storage/operation-target.js';
import type { StoredMetadata } from '../../../src/storage/stored-json.js';
import { del, set } from '../../support/ops.js';

const STORED: StoredMetadata = { key: 'k', db: 'd', namespace: 'n', tags: ['old'], expiresAtMs: null };

/** Answers each primitive with what it was asked, an update with the change applied to STORED. */
const recorder: OperationTarget<unknown> = {
  put: (entry) => ['put', entry.path],
  remove: (path) => ['remove', path],
  update: (path, change) => ['update', path, change(STORED)],
  flush: (db, namespace) => ['flush', db, namespace],
};

describe('applyOperation', () => {
  it('maps each operation to its primitive', () => {
    expect(applyOperation(recorder, set('p', 'v'))).toEqual(['put', 'p']);
    expect(applyOperation(recorder, del('p'))).toEqual(['remove', 'p']);
    expect(applyOperation(recorder, { type: 'FLUSH', db: 'd', namespace: null })).toEqual(['flush', 'd', null]);
  });

  it('changes only the expiry with SET_TTL and only the tags with METADATA', () => {
    expect(applyOperation(recorder, { type: 'SET_TTL', path: 'p', expiresAtMs: 9 })).toEqual(['update', 'p', { ...STORED, expiresAtMs: 9 }]);
    expect(applyOperation(recorder, { type: 'METADATA', path: 'p', tags: ['new'] })).toEqual(['update', 'p', { ...STORED, tags: ['new'] }]);
  });
});
