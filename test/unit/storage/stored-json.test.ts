import { describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../../src/core/errors.js';
import { decodeCursor, decodeMetadata, encodeCursor, encodeMetadata, entryMetadataOf, entryOf } from '../../../src/storage/stored-json.js';

const STORED = { key: 'k', db: 'd', namespace: 'n', tags: ['t1', 't2'], expiresAtMs: 1_700_000_000_000 };

describe('stored metadata', () => {
  it('reads back what it wrote, and only the stored fields', () => {
    const entry = { type: 'SET' as const, path: 'p', value: new Uint8Array(1), ...STORED };
    expect(decodeMetadata(encodeMetadata(entry), 'm')).toEqual(STORED);
    expect(JSON.parse(encodeMetadata(entry))).toEqual(STORED);
    expect(decodeMetadata(encodeMetadata({ ...STORED, expiresAtMs: null }), 'm')).toEqual({ ...STORED, expiresAtMs: null });
  });

  it.each([
    ['a key that is not text', { ...STORED, key: 1 }],
    ['no db', { ...STORED, db: undefined }],
    ['a namespace that is null', { ...STORED, namespace: null }],
    ['tags that are not a list', { ...STORED, tags: 't1' }],
    ['a tag that is not text', { ...STORED, tags: ['t1', 2] }],
    ['an expiry that is text', { ...STORED, expiresAtMs: '5' }],
    ['an expiry that is not an integer', { ...STORED, expiresAtMs: 1.5 }],
  ])('refuses metadata with %s, naming where', (_, value) => {
    const json = JSON.stringify(value);
    expect(() => decodeMetadata(json, 'the file m')).toThrow(new StorageFailedError(`corrupt metadata in the file m: ${json}`));
  });

  it.each(['{key', '7', 'null', '"text"'])('refuses %s as metadata: not a JSON object', (json) => {
    expect(() => decodeMetadata(json, 'm')).toThrow(new StorageFailedError(`corrupt JSON in m: ${json}`));
  });
});

describe('stored cursors', () => {
  it('write the epoch only above 0, and read back what they wrote', () => {
    expect(encodeCursor({ replicationId: 'r', sequence: 4 })).toBe('{"replicationId":"r","sequence":4}');
    expect(encodeCursor({ replicationId: 'r', sequence: 4, epoch: 0 })).toBe('{"replicationId":"r","sequence":4}');
    expect(encodeCursor({ replicationId: 'r', sequence: 4, epoch: 2 })).toBe('{"replicationId":"r","sequence":4,"epoch":2}');
    expect(decodeCursor('{"replicationId":"r","sequence":4}', 'c')).toStrictEqual({ replicationId: 'r', sequence: 4 });
    expect(decodeCursor('{"replicationId":"r","sequence":4,"epoch":1}', 'c')).toStrictEqual({ replicationId: 'r', sequence: 4, epoch: 1 });
  });

  it.each([
    '{"sequence":4}',
    '{"replicationId":7,"sequence":4}',
    '{"replicationId":"r"}',
    '{"replicationId":"r","sequence":4.5}',
    '{"replicationId":"r","sequence":4,"epoch":0}',
    '{"replicationId":"r","sequence":4,"epoch":-1}',
    '{"replicationId":"r","sequence":4,"epoch":1.5}',
    '{"replicationId":"r","sequence":4,"epoch":"2"}',
  ])('refuses %s as a cursor, naming where', (json) => {
    expect(() => decodeCursor(json, 'the cursor file')).toThrow(new StorageFailedError(`corrupt cursor in the cursor file: ${json}`));
  });

  it('refuses a cursor that is not a JSON object', () => {
    expect(() => decodeCursor('null', 'c')).toThrow(new StorageFailedError('corrupt JSON in c: null'));
  });
});

describe('entries from what is stored', () => {
  it('puts the path, the stored fields, the size and the value together', () => {
    const metadata = entryMetadataOf('p', STORED, 3);
    expect(metadata).toEqual({ path: 'p', ...STORED, sizeBytes: 3 });
    const value = new Uint8Array([1, 2, 3]);
    expect(entryOf(metadata, value)).toEqual({ type: 'SET', path: 'p', ...STORED, value });
  });
});
