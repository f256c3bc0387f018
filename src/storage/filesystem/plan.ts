import { matchesFlush } from '../../core/keyspace.js';
import type { Operation, SetOperation } from '../../core/operation.js';
import type { EntryMetadata } from '../backend.js';
import { applyOperation, type OperationTarget } from '../operation-target.js';
import type { StoredMetadata } from '../stored-json.js';
import { checkPath, InvalidPathError } from './paths.js';
import { ancestorsOf } from './shape.js';

/**
 * What a batch leaves at a path it touches, absolutely (so writing it twice is writing it once):
 * no entry; an entry, value and record; or an entry that was on disk with a new record only.
 * `replacesDir`: the path was a directory whose every entry the batch removes, to clear first.
 */
export type FinalState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'entry'; readonly stored: StoredMetadata; readonly value: Uint8Array; readonly replacesDir: boolean }
  | { readonly kind: 'metadata'; readonly stored: StoredMetadata };

export type FinalStates = ReadonlyMap<string, FinalState>;

/** What planning reads of the tree as it was before the batch. */
export interface PlanSource {
  probe(path: string): Promise<EntryMetadata | undefined>;
  entries(afterPath: null): AsyncIterable<EntryMetadata>;
  isDir(path: string): Promise<boolean>;
  /** A file (entry or not) on the data side, where a directory would have to be. */
  isFile(path: string): Promise<boolean>;
  /** Paths of the files under the directory `path`, entries or not. */
  filesUnder(path: string): AsyncIterable<string>;
}

/** Throws InvalidPathError for an operation whose path no file can hold (paths.ts), whatever the tree holds. */
export function checkStorablePath(op: Operation): void {
  if (op.type !== 'FLUSH') checkPath(op.path);
}

const ABSENT: FinalState = Object.freeze({ kind: 'absent' });

/**
 * The final states of a batch: what applying its operations in order with Keyspace semantics
 * leaves, read from the tree and from what the batch did before, touching nothing. Throws
 * InvalidPathError for a path that cannot be stored, or a SET that would make a path both a
 * file and a directory of other entries: a refused batch writes nothing.
 */
export async function planBatch(source: PlanSource, operations: readonly Operation[]): Promise<FinalStates> {
  for (const op of operations) checkStorablePath(op);
  const plan = new BatchPlan(source);
  for (const op of operations) await applyOperation(plan, op);
  return plan.states;
}

class BatchPlan implements OperationTarget<Promise<void>> {
  readonly states = new Map<string, FinalState>();
  /** Per directory, how many paths under it have a present state: the batch's own directories. */
  private readonly presentUnder = new Map<string, number>();
  /** isFile answers, asked for the few directories paths lie under, once per batch. */
  private readonly filesOnDisk = new Map<string, boolean>();

  constructor(private readonly source: PlanSource) {}

  async put(entry: SetOperation): Promise<void> {
    await this.checkAncestors(entry.path);
    const replacesDir = await this.checkNotDirectory(entry.path);
    this.set(entry.path, { kind: 'entry', stored: storedOf(entry), value: entry.value, replacesDir });
  }

  async remove(path: string): Promise<void> {
    this.set(path, ABSENT);
  }

  async update(path: string, change: (stored: StoredMetadata) => StoredMetadata): Promise<void> {
    const state = this.states.get(path);
    if (state === undefined) {
      const onDisk = await this.source.probe(path);
      if (onDisk !== undefined) this.set(path, { kind: 'metadata', stored: change(storedOf(onDisk)) });
    } else if (state.kind !== 'absent') {
      this.set(path, { ...state, stored: change(state.stored) });
    }
  }

  async flush(db: string | null, namespace: string | null): Promise<void> {
    const doomed: string[] = [];
    for (const [path, state] of this.states) if (state.kind !== 'absent' && matchesFlush(state.stored, db, namespace)) doomed.push(path);
    for await (const entry of this.source.entries(null)) {
      if (!this.states.has(entry.path) && matchesFlush(entry, db, namespace)) doomed.push(entry.path);
    }
    for (const path of doomed) this.set(path, ABSENT);
  }

  /** No directory `path` lies under may be an entry, as the batch leaves it so far. */
  private async checkAncestors(path: string): Promise<void> {
    for (const dir of ancestorsOf(path)) {
      const state = this.states.get(dir);
      const isEntry = state === undefined ? await this.isFileOnDisk(dir) : state.kind !== 'absent';
      if (isEntry) throw conflict(path, 'a path it lies under is an entry');
    }
  }

  /** `path` may be a directory only of entries the batch has removed; true when it is one. */
  private async checkNotDirectory(path: string): Promise<boolean> {
    if ((this.presentUnder.get(path) ?? 0) > 0) throw conflict(path, 'it is the directory of other entries');
    if (!(await this.source.isDir(path))) return false;
    for await (const file of this.source.filesUnder(path)) {
      if (this.states.get(file)?.kind !== 'absent') throw conflict(path, 'it is the directory of other entries');
    }
    return true;
  }

  private async isFileOnDisk(dir: string): Promise<boolean> {
    let isFile = this.filesOnDisk.get(dir);
    if (isFile === undefined) {
      isFile = !(await this.source.isDir(dir)) && (await this.source.isFile(dir));
      this.filesOnDisk.set(dir, isFile);
    }
    return isFile;
  }

  private set(path: string, state: FinalState): void {
    const wasPresent = isPresent(this.states.get(path));
    this.states.set(path, state);
    const change = Number(isPresent(state)) - Number(wasPresent);
    if (change !== 0) for (const dir of ancestorsOf(path)) this.presentUnder.set(dir, (this.presentUnder.get(dir) ?? 0) + change);
  }
}

function isPresent(state: FinalState | undefined): boolean {
  return state !== undefined && state.kind !== 'absent';
}

function storedOf(entry: StoredMetadata): StoredMetadata {
  const { key, db, namespace, tags, expiresAtMs } = entry;
  return { key, db, namespace, tags, expiresAtMs };
}

function conflict(path: string, why: string): InvalidPathError {
  return new InvalidPathError(`path ${JSON.stringify(path)} refused: ${why} (a path is a file or a directory, never both)`);
}
