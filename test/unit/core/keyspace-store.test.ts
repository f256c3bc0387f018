import { describe, expect, it } from 'vitest';
import { compareCodeUnits, type Keyspace } from '../../../src/core/keyspace.js';
import { KeyspaceStore } from '../../../src/core/keyspace-store.js';
import type { SetOperation } from '../../../src/core/operation.js';
import type { StorageResult } from '../../../src/core/storage-request.js';

function set(path: string, db = 'db'): SetOperation {
  return { type: 'SET', path, key: path, value: new Uint8Array([1]), db, namespace: 'ns', tags: [], expiresAtMs: null };
}

function pathsOf(keyspace: Keyspace | null): string[] {
  return keyspace === null ? [] : [...keyspace.paths()].sort(compareCodeUnits);
}

const done: StorageResult = { kind: 'done', durable: false };
const cursorA = { replicationId: 'r1', sequence: 5 };
const cursorB = { replicationId: 'r1', sequence: 9 };

describe('KeyspaceStore', () => {
  it('starts empty, without a cursor or staging area', () => {
    const store = new KeyspaceStore();
    expect(store.live.size).toBe(0);
    expect(store.cursor).toBeNull();
    expect(store.staged).toBeNull();
  });

  it('apply changes the live keyspace in order and persists the cursor', () => {
    const store = new KeyspaceStore();
    expect(store.execute({ kind: 'apply', operations: [set('a'), set('b'), { type: 'DELETE', path: 'a' }], cursor: cursorA })).toEqual(done);
    expect(pathsOf(store.live)).toEqual(['b']);
    expect(store.cursor).toEqual(cursorA);
    expect(store.execute({ kind: 'apply', operations: [set('c')], cursor: cursorB })).toEqual(done);
    expect(store.cursor).toEqual(cursorB);
  });

  it('apply with a null cursor keeps the stored one', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'apply', operations: [], cursor: cursorA });
    store.execute({ kind: 'apply', operations: [set('a')], cursor: null });
    expect(store.cursor).toEqual(cursorA);
    expect(pathsOf(store.live)).toEqual(['a']);
  });

  it('stages apart from the live keyspace and swaps it in on commit, whole', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'apply', operations: [set('live-only'), set('both', 'old')], cursor: cursorA });
    const liveBefore = store.live;

    expect(store.execute({ kind: 'stageBegin' })).toEqual(done);
    expect(store.staged?.size).toBe(0);
    expect(store.execute({ kind: 'stageApply', operations: [set('both', 'new'), set('staged-only')] })).toEqual(done);
    expect(store.execute({ kind: 'stageApply', operations: [set('second-batch')] })).toEqual(done);

    // Nothing visible before the commit: the live keyspace, its content and the cursor are untouched.
    expect(store.live).toBe(liveBefore);
    expect(pathsOf(store.live)).toEqual(['both', 'live-only']);
    expect(store.live.get('both')?.db).toBe('old');
    expect(store.cursor).toEqual(cursorA);
    expect(pathsOf(store.staged)).toEqual(['both', 'second-batch', 'staged-only']);

    expect(store.execute({ kind: 'stageCommit', cursor: cursorB })).toEqual(done);
    expect(pathsOf(store.live)).toEqual(['both', 'second-batch', 'staged-only']);
    expect(store.live.get('live-only')).toBeUndefined();
    expect(store.live.get('both')?.db).toBe('new');
    expect(store.cursor).toEqual(cursorB);
    expect(store.staged).toBeNull();
  });

  it('commits an empty staging area as an empty keyspace', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'apply', operations: [set('a')], cursor: cursorA });
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'stageCommit', cursor: cursorB });
    expect(store.live.size).toBe(0);
    expect(store.cursor).toEqual(cursorB);
  });

  it('stageBegin discards a previous staging area', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'stageApply', operations: [set('abandoned')] });
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'stageApply', operations: [set('kept')] });
    store.execute({ kind: 'stageCommit', cursor: cursorA });
    expect(pathsOf(store.live)).toEqual(['kept']);
  });

  it('applies to live while staging, and the commit still replaces live', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'apply', operations: [set('live')], cursor: null });
    expect(pathsOf(store.staged)).toEqual([]);
    expect(pathsOf(store.live)).toEqual(['live']);
    store.execute({ kind: 'stageCommit', cursor: cursorA });
    expect(pathsOf(store.live)).toEqual([]);
  });

  it('fails stageApply and stageCommit without stageBegin, changing nothing', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'apply', operations: [set('a')], cursor: cursorA });
    expect(store.execute({ kind: 'stageApply', operations: [set('b')] }).kind).toBe('failed');
    expect(store.execute({ kind: 'stageCommit', cursor: cursorB }).kind).toBe('failed');
    expect(pathsOf(store.live)).toEqual(['a']);
    expect(store.cursor).toEqual(cursorA);
  });

  it('fails a second stageCommit', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'stageApply', operations: [set('a')] });
    expect(store.execute({ kind: 'stageCommit', cursor: cursorA }).kind).toBe('done');
    expect(store.execute({ kind: 'stageCommit', cursor: cursorB }).kind).toBe('failed');
    expect(pathsOf(store.live)).toEqual(['a']);
    expect(store.cursor).toEqual(cursorA);
  });

  it('scans the live keyspace, never the staging area', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'apply', operations: [set('b'), set('a'), set('c')], cursor: null });
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'stageApply', operations: [set('staged')] });
    const result = store.execute({ kind: 'scan', afterPath: 'a', entriesMax: 10, bytesMax: 1_000_000 });
    expect(result.kind).toBe('scanned');
    if (result.kind !== 'scanned') return;
    expect(result.entries.map((entry) => entry.path)).toEqual(['b', 'c']);
    expect(result.done).toBe(true);
    const limited = store.execute({ kind: 'scan', afterPath: null, entriesMax: 1, bytesMax: 1_000_000 });
    expect(limited).toMatchObject({ kind: 'scanned', entries: [store.live.get('a')], done: false });
  });

  it('counts as a change only what alters the live data or the cursor', () => {
    const store = new KeyspaceStore();
    const versions = [store.version];
    store.execute({ kind: 'apply', operations: [set('a')], cursor: cursorA });
    versions.push(store.version);
    store.execute({ kind: 'scan', afterPath: null, entriesMax: 10, bytesMax: 1_000_000 });
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'stageApply', operations: [set('b')] });
    versions.push(store.version);
    store.execute({ kind: 'stageCommit', cursor: cursorB });
    versions.push(store.version);
    expect(versions).toEqual([0, 1, 1, 2]);
  });

  it('clones into a store that shares no state, as a crash model needs', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'apply', operations: [set('a')], cursor: cursorA });
    store.execute({ kind: 'stageBegin' });
    store.execute({ kind: 'stageApply', operations: [set('staged')] });
    const copy = store.clone();
    store.execute({ kind: 'apply', operations: [set('later')], cursor: cursorB });
    store.execute({ kind: 'stageApply', operations: [set('staged-later')] });
    expect(pathsOf(copy.live)).toEqual(['a']);
    expect(pathsOf(copy.staged)).toEqual(['staged']);
    expect(copy.cursor).toEqual(cursorA);
    expect(copy.version).toBe(1);
    copy.discardStaging();
    expect(copy.staged).toBeNull();
    expect(pathsOf(store.staged)).toEqual(['staged', 'staged-later']);
  });

  it('clones a store that has no staging area', () => {
    const store = new KeyspaceStore();
    store.execute({ kind: 'apply', operations: [set('a')], cursor: cursorA });
    const copy = store.clone();
    expect(pathsOf(copy.live)).toEqual(['a']);
    expect(copy.staged).toBeNull();
  });
});

