/**
 * Every request the core makes of a backend, and every read a user makes, as fast-check commands
 * checked against StorageModel after each step. Time is a command too: a wait lets the wall clock
 * pass the expiries that earlier operations set, before later ones extend or read them.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Entry, ScanRequest } from '../../../src/core/keyspace.js';
import type { Operation } from '../../../src/core/operation.js';
import type { EntryMetadata, StorageBackend } from '../../../src/storage/backend.js';
import { applyDocumented } from '../../../sim/oracle.js';
import { byCodeUnits, firstOf, listOf, listTaggedOf, pageOf, type StorageModel } from './model.js';
import { batchArb, PATHS, PREFIXES, resolveOperation, SOON_MS_MAX, TAGS, type OperationSpec } from './operations.js';
import { WaitCommand } from '../../support/wait-command.js';

export interface StorageUnderTest {
  storage: StorageBackend;
  /** Closes `storage` and opens the same stored data again; absent for memory. */
  readonly reopen: (() => Promise<StorageBackend>) | undefined;
  /** The backend's scan order. */
  readonly comparePaths: (a: string, b: string) => number;
}

type Command = fc.AsyncCommand<StorageModel, StorageUnderTest>;

const always = (): boolean => true;

/** An entry as toEqual compares it: fields, and the value as plain numbers. */
export function comparable(entry: Entry | undefined): unknown {
  return entry === undefined ? undefined : { ...entry, tags: [...entry.tags], value: Array.from(entry.value) };
}

function describeSpecs(specs: readonly OperationSpec[]): string {
  return JSON.stringify(specs, (_, value: unknown) => (value instanceof Uint8Array ? Array.from(value) : value));
}

class ApplyCommand implements Command {
  constructor(
    private readonly specs: readonly OperationSpec[],
    private readonly withCursor: boolean,
  ) {}

  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    const operations = this.specs.map((spec) => resolveOperation(spec, model.startMs));
    const cursor = this.withCursor ? model.nextCursor() : null;
    await real.storage.apply(operations, cursor);
    for (const op of operations) applyDocumented(model.live, ownCopy(op));
    if (cursor !== null) model.cursor = cursor;
  }

  toString(): string {
    return `apply(${describeSpecs(this.specs)}, ${this.withCursor ? 'cursor' : 'null'})`;
  }
}

class StageBeginCommand implements Command {
  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    await real.storage.stageBegin();
    model.staged = new Map();
  }

  toString(): string {
    return 'stageBegin()';
  }
}

class StageApplyCommand implements Command {
  constructor(private readonly specs: readonly OperationSpec[]) {}

  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    const operations = this.specs.map((spec) => resolveOperation(spec, model.startMs));
    const staged = model.staged;
    if (staged === null) {
      await expect(real.storage.stageApply(operations)).rejects.toThrow(/without stageBegin/);
      return;
    }
    await real.storage.stageApply(operations);
    for (const op of operations) applyDocumented(staged, ownCopy(op));
  }

  toString(): string {
    return `stageApply(${describeSpecs(this.specs)})`;
  }
}

class StageCommitCommand implements Command {
  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    if (model.staged === null) {
      await expect(real.storage.stageCommit({ replicationId: 'never', sequence: 1 })).rejects.toThrow(/without stageBegin/);
      return;
    }
    const cursor = model.nextHistoryCursor();
    await real.storage.stageCommit(cursor);
    model.commit(cursor);
  }

  toString(): string {
    return 'stageCommit()';
  }
}

class ReopenCommand implements Command {
  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    if (real.reopen === undefined) return;
    real.storage = await real.reopen();
    // A staging area belongs to the process whose resync it was: it does not survive a restart.
    model.staged = null;
  }

  toString(): string {
    return 'reopen()';
  }
}

class ReadCommand implements Command {
  constructor(private readonly path: string) {}

  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    await expectPathLikeModel(real.storage, model, this.path);
  }

  toString(): string {
    return `read(${JSON.stringify(this.path)})`;
  }
}

class ListCommand implements Command {
  constructor(
    private readonly by: { readonly prefix: string } | { readonly tag: string },
    private readonly pathsMax: number | undefined,
  ) {}

  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    const { by, pathsMax } = this;
    // A listing by prefix reads the backend's index in its order and stops; one by tag reads every member.
    if ('prefix' in by) expect(await real.storage.list(by.prefix, pathsMax)).toEqual(firstOf(listOf(model.live, by.prefix), pathsMax, real.comparePaths));
    else expect(await real.storage.listTagged(by.tag, pathsMax)).toEqual(firstOf(listTaggedOf(model.live, by.tag), pathsMax, byCodeUnits));
  }

  toString(): string {
    return `list(${JSON.stringify(this.by)}, ${this.pathsMax})`;
  }
}

class ScanCommand implements Command {
  constructor(private readonly first: ScanRequest) {}

  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    await expectPagesLikeModel(real, model, this.first);
  }

  toString(): string {
    return `scan(${JSON.stringify(this.first)})`;
  }
}

class LoadCursorCommand implements Command {
  check = always;

  async run(model: StorageModel, real: StorageUnderTest): Promise<void> {
    expect(await real.storage.loadCursor()).toEqual(model.cursor);
  }

  toString(): string {
    return 'loadCursor()';
  }
}

/**
 * The model's own bytes: a backend may keep the arrays it applied (contract 11), and a reader
 * scribbles over what it read, so sharing them would hide a backend that hands out its own. Scans
 * are read-only (contract 11): nothing scribbles over theirs.
 */
function ownCopy(op: Operation): Operation {
  return op.type === 'SET' ? { ...op, value: op.value.slice() } : op;
}

/** What a reader may do with the bytes it was given (contract 11): a backend that gave its own now holds these. */
function scribble(entry: Entry | undefined): void {
  entry?.value.fill(SCRIBBLED_BYTE);
}

const SCRIBBLED_BYTE = 0xee;

export async function expectPathLikeModel(storage: StorageBackend, model: StorageModel, path: string): Promise<void> {
  const want = model.live.get(path);
  const why = `at ${JSON.stringify(path)}`;
  const read = await storage.read(path);
  expect(comparable(read), why).toEqual(comparable(want));
  scribble(read);
  expect(await storage.exists(path), why).toBe(want !== undefined);
  expect(await storage.size(path), why).toBe(want?.value.length);
  const got = await storage.metadata(path);
  expect(got === undefined ? undefined : { ...got, tags: [...got.tags] }, why).toEqual(metadataOf(want));
}

function metadataOf(entry: Entry | undefined): EntryMetadata | undefined {
  if (entry === undefined) return undefined;
  const { type: _type, value, ...metadata } = entry;
  return { ...metadata, tags: [...metadata.tags], sizeBytes: value.length };
}

/** Page by page: each page is the model's page for the same request. */
async function expectPagesLikeModel(real: StorageUnderTest, model: StorageModel, first: ScanRequest): Promise<void> {
  for (let request = first, done = false; !done;) {
    const page = await real.storage.scan(request);
    const want = pageOf(model.live, request, real.comparePaths);
    expect(page.entries.map(comparable), `page after ${JSON.stringify(request.afterPath)}`).toEqual(want.entries.map(comparable));
    expect(page.done).toBe(want.done);
    request = { ...request, afterPath: page.entries.at(-1)?.path ?? request.afterPath };
    done = page.done || page.entries.length === 0;
  }
}

/** Everything a reader can see, and the cursor. */
export async function expectStorageLikeModel(real: StorageUnderTest, model: StorageModel): Promise<void> {
  expect(await real.storage.list()).toEqual(listOf(model.live, ''));
  for (const path of PATHS) await expectPathLikeModel(real.storage, model, path);
  for (const tag of TAGS) expect(await real.storage.listTagged(tag)).toEqual(listTaggedOf(model.live, tag));
  await expectPagesLikeModel(real, model, { afterPath: null, entriesMax: 2, bytesMax: 1 << 20 });
  expect(await real.storage.loadCursor()).toEqual(model.cursor);
}

const scanRequestArb: fc.Arbitrary<ScanRequest> = fc.record({
  afterPath: fc.constantFrom(null, ...PATHS),
  entriesMax: fc.integer({ min: 1, max: 8 }),
  // Small budgets cut pages by bytes; a page still holds at least one entry.
  bytesMax: fc.constantFrom(1, 200, 400, 1 << 20),
});

/** Every command; `replayPath` (what a failure printed) makes fast-check replay its shrunk commands. */
export const storageCommandsArb = (replayPath?: string): fc.Arbitrary<Iterable<Command>> => fc.commands<StorageModel, StorageUnderTest, false>(
  [
    fc.tuple(batchArb, fc.boolean()).map(([specs, withCursor]) => new ApplyCommand(specs, withCursor)),
    fc.tuple(batchArb, fc.boolean()).map(([specs, withCursor]) => new ApplyCommand(specs, withCursor)),
    fc.constant(new StageBeginCommand()),
    batchArb.map((specs) => new StageApplyCommand(specs)),
    fc.constant(new StageCommitCommand()),
    fc.integer({ min: 1, max: SOON_MS_MAX }).map((waitMs) => new WaitCommand<StorageModel, StorageUnderTest>(waitMs)),
    fc.constant(new ReopenCommand()),
    fc.constantFrom(...PATHS).map((path) => new ReadCommand(path)),
    fc
      .tuple(fc.oneof(fc.constantFrom(...PREFIXES).map((prefix) => ({ prefix })), fc.constantFrom(...TAGS).map((tag) => ({ tag }))), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }))
      .map(([by, pathsMax]) => new ListCommand(by, pathsMax)),
    scanRequestArb.map((request) => new ScanCommand(request)),
    fc.constant(new LoadCursorCommand()),
  ],
  { maxCommands: 40, replayPath },
);
