import { describe, expect, it } from 'vitest';
import { NotReadyError } from '../../../src/core/errors.js';
import type { Entry, ScanPage, ScanRequest } from '../../../src/core/keyspace.js';
import type { Operation } from '../../../src/core/operation.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import type { EntryMetadata } from '../../../src/storage/backend.js';
import { SerializedStorage } from '../../../src/storage/serialized-storage.js';
import { set } from '../../support/ops.js';

/**
 * A SerializedStorage whose calls record when they start and end, and wait for the test to let
 * them finish (`release`) or fail (`fail`): the order of calls is then the test's to see.
 */
class GatedStorage extends SerializedStorage {
  readonly events: string[] = [];
  readonly prefixes: string[] = [];
  private readonly gates = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  private readonly ungated = new Set<string>();

  constructor(private readonly probed: EntryMetadata | undefined = undefined) {
    super();
  }

  /** Calls named `call` from now on finish at once. */
  open(call: string): void {
    this.ungated.add(call);
  }

  release(call: string): void {
    this.gateOf(call).resolve();
  }

  fail(call: string): void {
    this.gateOf(call).reject(new Error(`${call} failed`));
  }

  runOwn(name: string): Promise<string> {
    return this.enqueue(async () => {
      await this.step(name);
      return name;
    });
  }

  protected async applyNow(): Promise<{ durable: boolean }> {
    await this.step('apply');
    return { durable: true };
  }

  protected async scanNow(request: ScanRequest): Promise<ScanPage> {
    await this.step('scan');
    return { entries: [], done: request.afterPath === null };
  }

  protected stageBeginNow(): Promise<void> {
    return this.step('stageBegin');
  }

  protected stageApplyNow(operations: readonly Operation[]): Promise<void> {
    expect(operations).toHaveLength(1);
    return this.step('stageApply');
  }

  protected async stageCommitNow(cursor: Cursor): Promise<{ durable: boolean }> {
    await this.step('stageCommit');
    return { durable: cursor.sequence > 0 };
  }

  protected async loadCursorNow(): Promise<Cursor | null> {
    await this.step('loadCursor');
    return { replicationId: 'r', sequence: 3 };
  }

  protected async readNow(path: string): Promise<Entry | undefined> {
    await this.step('read');
    return set(path, 'v');
  }

  protected async probeNow(): Promise<EntryMetadata | undefined> {
    await this.step('probe');
    return this.probed;
  }

  protected async listNow(prefix: string): Promise<string[]> {
    this.prefixes.push(prefix);
    await this.step('list');
    return [];
  }

  protected async listTaggedNow(tag: string): Promise<string[]> {
    await this.step('listTagged');
    return [tag];
  }

  protected closeNow(): Promise<void> {
    return this.step('close');
  }

  private async step(call: string): Promise<void> {
    this.events.push(`${call} starts`);
    if (!this.ungated.has(call)) await new Promise<void>((resolve, reject) => this.gates.set(call, { resolve, reject }));
    this.events.push(`${call} ends`);
  }

  private gateOf(call: string): { resolve: () => void; reject: (error: Error) => void } {
    const gate = this.gates.get(call);
    if (gate === undefined) throw new Error(`${call} is not waiting`);
    this.gates.delete(call);
    return gate;
  }
}

/** Lets every promise already settled run its callbacks. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn += 1) await Promise.resolve();
}

const ALL_CALLS = ['apply', 'scan', 'stageBegin', 'stageApply', 'stageCommit', 'loadCursor', 'read', 'probe', 'list', 'listTagged', 'close'];

function openStorage(probed?: EntryMetadata): GatedStorage {
  const storage = new GatedStorage(probed);
  for (const call of ALL_CALLS) storage.open(call);
  return storage;
}

describe('SerializedStorage', () => {
  it('starts each call once the one before it has settled, in the order they were made', async () => {
    const storage = new GatedStorage();
    const apply = storage.apply([], null);
    const read = storage.read('p');
    const own = storage.runOwn('own');
    await settle();
    expect(storage.events).toEqual(['apply starts']);
    storage.release('apply');
    await apply;
    await settle();
    expect(storage.events).toEqual(['apply starts', 'apply ends', 'read starts']);
    storage.release('read');
    await settle();
    storage.release('own');
    expect(await own).toBe('own');
    expect((await read)?.path).toBe('p');
    expect(storage.events).toEqual(['apply starts', 'apply ends', 'read starts', 'read ends', 'own starts', 'own ends']);
  });

  it('runs the next call after one that failed: a failure is its caller\'s alone', async () => {
    const storage = new GatedStorage();
    const apply = storage.apply([], null);
    const listed = storage.listTagged('t');
    await settle();
    storage.fail('apply');
    await expect(apply).rejects.toThrow('apply failed');
    await settle();
    storage.release('listTagged');
    expect(await listed).toEqual(['t']);
  });

  it('answers each call with what its subclass call answered', async () => {
    const metadata = { path: 'p', key: 'k', db: 'd', namespace: 'n', tags: [], expiresAtMs: null, sizeBytes: 7 };
    const storage = openStorage(metadata);
    expect(await storage.apply([], null)).toEqual({ durable: true });
    expect(await storage.scan({ afterPath: null, entriesMax: 1, bytesMax: 1 })).toEqual({ entries: [], done: true });
    expect(await storage.loadCursor()).toEqual({ replicationId: 'r', sequence: 3 });
    expect(await storage.exists('p')).toBe(true);
    expect(await storage.size('p')).toBe(7);
    expect(await storage.metadata('p')).toEqual(metadata);
    const missing = openStorage();
    expect(await missing.exists('p')).toBe(false);
    expect(await missing.size('p')).toBeUndefined();
  });

  it('lists from the empty prefix when given none', async () => {
    const storage = openStorage();
    await storage.list();
    await storage.list('a/');
    expect(storage.prefixes).toEqual(['', 'a/']);
  });

  it('refuses stageApply and stageCommit without stageBegin, naming the call', async () => {
    const storage = openStorage();
    await expect(storage.stageApply([set('a', '1')])).rejects.toThrow(new NotReadyError('stageApply without stageBegin'));
    await expect(storage.stageCommit({ replicationId: 'r', sequence: 1 })).rejects.toThrow(new NotReadyError('stageCommit without stageBegin'));
    expect(storage.events).toEqual([]);
  });

  it('takes stageApply and stageCommit after stageBegin, and the commit ends the staging area', async () => {
    const storage = openStorage();
    await storage.stageBegin();
    await storage.stageApply([set('a', '1')]);
    expect(await storage.stageCommit({ replicationId: 'r', sequence: 1 })).toEqual({ durable: true });
    await expect(storage.stageApply([set('a', '1')])).rejects.toThrow(NotReadyError);
  });

  it('has no staging area after a stageBegin that failed, even with one begun before it', async () => {
    const storage = new GatedStorage();
    storage.open('stageApply');
    const first = storage.stageBegin();
    await settle();
    storage.release('stageBegin');
    await first;
    const second = storage.stageBegin();
    await settle();
    storage.fail('stageBegin');
    await expect(second).rejects.toThrow('stageBegin failed');
    await expect(storage.stageApply([set('a', '1')])).rejects.toThrow(new NotReadyError('stageApply without stageBegin'));
  });

  it('ends the staging area with a stageCommit that failed: a failed resync starts over', async () => {
    const storage = new GatedStorage();
    storage.open('stageBegin');
    await storage.stageBegin();
    const commit = storage.stageCommit({ replicationId: 'r', sequence: 1 });
    await settle();
    storage.fail('stageCommit');
    await expect(commit).rejects.toThrow('stageCommit failed');
    storage.open('stageCommit');
    await expect(storage.stageCommit({ replicationId: 'r', sequence: 1 })).rejects.toThrow(new NotReadyError('stageCommit without stageBegin'));
  });

  it('closes after every call already made, once, and refuses every call made after', async () => {
    const storage = new GatedStorage();
    const apply = storage.apply([], null);
    const closed = storage.close();
    expect(storage.close()).toBe(closed);
    storage.open('read');
    const readAfter = storage.read('p');
    await settle();
    expect(storage.events).toEqual(['apply starts']);
    storage.release('apply');
    await apply;
    await settle();
    storage.release('close');
    await closed;
    await expect(readAfter).rejects.toThrow(new NotReadyError('storage is closed'));
    expect(storage.events).toEqual(['apply starts', 'apply ends', 'close starts', 'close ends']);
    await storage.close();
    expect(storage.events.filter((event) => event === 'close starts')).toHaveLength(1);
  });
});
