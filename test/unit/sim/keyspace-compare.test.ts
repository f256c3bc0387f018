import { describe, expect, it } from 'vitest';
import type { Entry } from '../../../src/core/keyspace.js';
import { differAt, entryDifference, keyspaceDifference } from '../../../sim/keyspace-compare.js';

const entry = (path: string, change: Partial<Entry> = {}): Entry => ({
  type: 'SET',
  path,
  key: path,
  value: new Uint8Array([1, 2, 3]),
  db: 'db',
  namespace: 'ns',
  tags: ['a', 'b'],
  expiresAtMs: null,
  ...change,
});

const stateOf = (...entries: Entry[]): Map<string, Entry> => new Map(entries.map((each) => [each.path, each]));

describe('keyspace comparison', () => {
  it('finds equal entries equal, copies of their values and tags included', () => {
    expect(entryDifference(entry('p'), entry('p', { value: new Uint8Array([1, 2, 3]), tags: ['a', 'b'] }))).toBeNull();
    expect(keyspaceDifference(stateOf(entry('p'), entry('q')), stateOf(entry('q'), entry('p')))).toBeNull();
  });

  it('names the first field that differs', () => {
    expect(entryDifference(entry('p'), entry('p', { key: 'k' }))).toBe('key "k" != "p"');
    expect(entryDifference(entry('p'), entry('p', { expiresAtMs: 5 }))).toBe('expiresAtMs 5 != null');
    expect(entryDifference(entry('p'), entry('p', { tags: ['a'] }))).toBe('tags differ');
    expect(entryDifference(entry('p'), entry('p', { tags: ['a', 'c'] }))).toBe('tags differ');
    // Tags are compared one by one: a NUL inside one does not make two lists look alike.
    expect(entryDifference(entry('p', { tags: ['a\u0000b'] }), entry('p', { tags: ['a', 'b'] }))).toBe('tags differ');
    expect(entryDifference(entry('p'), entry('p', { value: new Uint8Array([1, 2, 4]) }))).toBe('value differs');
    expect(keyspaceDifference(stateOf(entry('p')), stateOf(entry('p', { db: 'other' })))).toBe('"p": db "other" != "db"');
  });

  it('looks only at the paths it is given, and at the sizes', () => {
    const expected = stateOf(entry('p'), entry('q'));
    const actual = stateOf(entry('p'), entry('q', { value: new Uint8Array([9]) }));
    expect(differAt(expected, actual, ['p'])).toBe(false);
    expect(differAt(expected, actual, ['p', 'q'])).toBe(true);
    expect(differAt(expected, stateOf(entry('p')), [])).toBe(true);
    expect(differAt(stateOf(entry('p')), stateOf(entry('q')), ['p'])).toBe(true);
  });
});
