import { assert } from '../../core/assert.js';
import { matchesFlush, type Entry } from '../../core/keyspace.js';
import type { Operation, SetOperation } from '../../core/operation.js';
import type { EntryMetadata } from '../backend.js';
import { applyOperation, type OperationTarget } from '../operation-target.js';
import type { StoredMetadata } from '../stored-json.js';
import { formOf, type EntryForm } from './entry-form.js';
import { checkPath, InvalidPathError } from './paths.js';
import { ancestorsOf, segmentsOf } from './shape.js';

/**
 * What a batch leaves at a path it touches, absolutely (so writing it twice is writing it once),
 * and where (entry-form.ts): no entry (`form`: where one was); an entry, value and record; or an
 * entry that was on disk with a new record only. `moved`: the entry's form changes in this batch
 * (`a` becomes a directory of other entries too, or stops being one), so whatever is at its other
 * place goes first; a move always carries the value, so that the journal holds it.
 */
export type FinalState =
  | { readonly kind: 'absent'; readonly form: EntryForm }
  | { readonly kind: 'entry'; readonly stored: StoredMetadata; readonly value: Uint8Array; readonly form: EntryForm; readonly moved: boolean }
  | { readonly kind: 'metadata'; readonly stored: StoredMetadata; readonly form: EntryForm };

export type FinalStates = ReadonlyMap<string, FinalState>;

/** What planning reads of the tree as it was before the batch. */
export interface PlanSource {
  probe(path: string): Promise<EntryMetadata | undefined>;
  read(path: string): Promise<Entry | undefined>;
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

/** A state before it is placed: the same, without where. */
type Draft =
  | { readonly kind: 'absent' }
  | { readonly kind: 'entry'; readonly stored: StoredMetadata; readonly value: Uint8Array }
  | { readonly kind: 'metadata'; readonly stored: StoredMetadata };

const ABSENT: Draft = Object.freeze({ kind: 'absent' });

/**
 * The final states of a batch: what applying its operations in order with Keyspace semantics
 * leaves, read from the tree and from what the batch did before, touching nothing; then where
 * each goes, with the entries the batch does not touch but whose form it changes (`a` when the
 * batch makes `a/b`, or removes the last entry under `a`). Throws InvalidPathError for a path
 * that cannot be stored, or one under a file that is no entry: a refused batch writes nothing.
 */
export async function planBatch(source: PlanSource, operations: readonly Operation[]): Promise<FinalStates> {
  for (const op of operations) checkStorablePath(op);
  const plan = new BatchPlan(source);
  for (const op of operations) await applyOperation(plan, op);
  return plan.placed();
}

class BatchPlan implements OperationTarget<Promise<void>> {
  private readonly drafts = new Map<string, Draft>();
  /** Per directory, how many paths under it have a present state: the batch's own directories. */
  private readonly presentUnder = new Map<string, number>();

  constructor(private readonly source: PlanSource) {}

  async put(entry: SetOperation): Promise<void> {
    this.set(entry.path, { kind: 'entry', stored: storedOf(entry), value: entry.value });
  }

  async remove(path: string): Promise<void> {
    this.set(path, ABSENT);
  }

  async update(path: string, change: (stored: StoredMetadata) => StoredMetadata): Promise<void> {
    const draft = this.drafts.get(path);
    if (draft === undefined) {
      const onDisk = await this.source.probe(path);
      if (onDisk !== undefined) this.set(path, { kind: 'metadata', stored: change(storedOf(onDisk)) });
    } else if (draft.kind !== 'absent') {
      this.set(path, { ...draft, stored: change(draft.stored) });
    }
  }

  async flush(db: string | null, namespace: string | null): Promise<void> {
    const doomed: string[] = [];
    for (const [path, draft] of this.drafts) if (draft.kind !== 'absent' && matchesFlush(draft.stored, db, namespace)) doomed.push(path);
    for await (const entry of this.source.entries(null)) {
      if (!this.drafts.has(entry.path) && matchesFlush(entry, db, namespace)) doomed.push(entry.path);
    }
    for (const path of doomed) this.set(path, ABSENT);
  }

  async placed(): Promise<FinalStates> {
    await this.addMovedAncestors();
    const states = new Map<string, FinalState>();
    for (const [path, draft] of this.drafts) states.set(path, await this.place(path, draft));
    return states;
  }

  /**
   * The entries the batch leaves alone whose form it changes: a file under which it puts an
   * entry, or a directory's entry under which it leaves none. Deepest first: `a/b` moving back to
   * a file keeps `a` a directory, which is then neither read nor written.
   */
  private async addMovedAncestors(): Promise<void> {
    const dirs = [...new Set([...this.drafts.keys()].flatMap(ancestorsOf))].filter((dir) => !this.drafts.has(dir));
    dirs.sort((a, b) => segmentsOf(b).length - segmentsOf(a).length);
    for (const dir of dirs) {
      const moving = await this.movingEntry(dir);
      if (moving !== undefined) this.set(dir, moving);
    }
  }

  private async movingEntry(dir: string): Promise<Draft | undefined> {
    const filledByBatch = (this.presentUnder.get(dir) ?? 0) > 0;
    const wasDir = await this.source.isDir(dir);
    // Cheap answers first: a batch of SETs under existing directories reads nothing here.
    if (filledByBatch === wasDir) return undefined;
    if (wasDir && ((await this.source.probe(dir)) === undefined || (await this.filledOnDisk(dir)))) return undefined;
    const entry = await this.source.read(dir);
    if (entry !== undefined) return { kind: 'entry', stored: storedOf(entry), value: entry.value };
    if (!wasDir && (await this.source.isFile(dir))) throw new InvalidPathError(`path ${JSON.stringify(dir)} is a file that is no entry, where a directory must be`);
    return undefined;
  }

  private async place(path: string, draft: Draft): Promise<FinalState> {
    const was = formOf(await this.source.isDir(path));
    if (draft.kind === 'absent') return { kind: 'absent', form: was };
    const form = formOf(await this.filled(path));
    if (draft.kind === 'entry') return { ...draft, form, moved: form !== was };
    if (form === was) return { ...draft, form };
    const onDisk = await this.source.read(path);
    assert(onDisk !== undefined, `entry ${JSON.stringify(path)} vanished while its batch was planned`);
    return { kind: 'entry', stored: draft.stored, value: onDisk.value, form, moved: true };
  }

  /** Some entry (or a file someone else left) lies under `path` after the batch. */
  private async filled(path: string): Promise<boolean> {
    if ((this.presentUnder.get(path) ?? 0) > 0) return true;
    return (await this.source.isDir(path)) && (await this.filledOnDisk(path));
  }

  /** A file under `dir` that the batch does not touch (those it does are counted in presentUnder). */
  private async filledOnDisk(dir: string): Promise<boolean> {
    for await (const file of this.source.filesUnder(dir)) if (!this.drafts.has(file)) return true;
    return false;
  }

  private set(path: string, draft: Draft): void {
    const wasPresent = isPresent(this.drafts.get(path));
    this.drafts.set(path, draft);
    const change = Number(isPresent(draft)) - Number(wasPresent);
    if (change !== 0) for (const dir of ancestorsOf(path)) this.presentUnder.set(dir, (this.presentUnder.get(dir) ?? 0) + change);
  }
}

function isPresent(draft: Draft | undefined): boolean {
  return draft !== undefined && draft.kind !== 'absent';
}

function storedOf(entry: StoredMetadata): StoredMetadata {
  const { key, db, namespace, tags, expiresAtMs } = entry;
  return { key, db, namespace, tags, expiresAtMs };
}
