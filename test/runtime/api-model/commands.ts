/**
 * Every method of NetworkSyncBackend as fast-check commands on a primary and a secondary: each
 * write method on the primary (and refused on the secondary), setContext, the wall clock passing,
 * and every read method on both nodes once the secondary has caught up, checked against ApiModel.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { ApiCall, ApiData } from '../../../src/core/api-operations.js';
import { ReadOnlyError } from '../../../src/core/errors.js';
import type { NetworkSyncBackend } from '../../../src/runtime/network-sync-backend.js';
import { nameArb } from '../../../sim/arbitraries/names.js';
import { invokeApiCall } from '../../../harness/api-call.js';
import { waitCaughtUp } from '../support/nodes.js';
import type { ApiModel, ModelEntry, Span, Visible } from './model.js';
import { WaitCommand } from '../../support/wait-command.js';

export interface Cluster {
  readonly primary: NetworkSyncBackend;
  readonly secondary: NetworkSyncBackend;
}

type Command = fc.AsyncCommand<ApiModel, Cluster>;

/** A write method and its arguments: the five calls, and the shorthands writeData and deleteFile. */
export type WriteInvocation =
  | ApiCall
  | { readonly method: 'writeData'; readonly path: string; readonly data: ApiData }
  | { readonly method: 'deleteFile'; readonly path: string };

/** Short TTLs expire within a run (and some within a few commands); long ones never do. */
const SHORT_TTL_MS_MIN = 20;
export const SHORT_TTL_MS_MAX = 800;
const LONG_TTL_SECONDS = 3_600;
const WAIT_MS_MAX = 400;
const COMMANDS_MAX = 25;
const SCRIBBLE_BYTE = 0xee;
const READ_ONLY_MESSAGE = /^Cannot (write to|delete from) secondary replica$/;

const always = (): boolean => true;

/** The call a shorthand stands for, as documented. */
function callOf(invocation: WriteInvocation): ApiCall {
  switch (invocation.method) {
    case 'writeData':
      return { method: 'writeWithReplication', relativePath: invocation.path, data: invocation.data };
    case 'deleteFile':
      return { method: 'deleteWithReplication', relativePath: invocation.path };
    default:
      return invocation;
  }
}

async function invoke(node: NetworkSyncBackend, invocation: WriteInvocation): Promise<void> {
  switch (invocation.method) {
    case 'writeData':
      return node.writeData(invocation.path, invocation.data);
    case 'deleteFile':
      return node.deleteFile(invocation.path);
    default:
      return invokeApiCall(node, invocation);
  }
}

/** Names this long print as their start and length: a failure's commands stay readable (the seed and path replay it). */
const LABEL_NAME_UNITS_MAX = 24;

function shortened(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (typeof value === 'string' && value.length > LABEL_NAME_UNITS_MAX) return `${value.slice(0, LABEL_NAME_UNITS_MAX)}… (${value.length} units)`;
  return value;
}

function label(invocation: WriteInvocation): string {
  const { method, ...args } = invocation;
  return `${method}(${JSON.stringify(args, shortened)})`;
}

/** This run's own copy of a buffer, so that scribbling on it leaves the command as drawn. */
function withOwnBuffer(invocation: WriteInvocation): WriteInvocation {
  return 'data' in invocation && invocation.data instanceof Uint8Array ? { ...invocation, data: Uint8Array.from(invocation.data) } : invocation;
}

/** A caller reusing its buffer once the write resolved: what was stored must not change. */
function scribble(invocation: WriteInvocation): void {
  if ('data' in invocation && invocation.data instanceof Uint8Array) invocation.data.fill(SCRIBBLE_BYTE);
}

class WriteCommand implements Command {
  constructor(private readonly invocation: WriteInvocation) {}

  check = always;

  async run(model: ApiModel, real: Cluster): Promise<void> {
    const own = withOwnBuffer(this.invocation);
    const startMs = Date.now();
    await invoke(real.primary, own);
    const span = { startMs, endMs: Date.now() };
    scribble(own);
    model.apply(callOf(this.invocation), span);
  }

  toString(): string {
    return label(this.invocation);
  }
}

class ReadOnlyCommand implements Command {
  constructor(private readonly invocation: WriteInvocation) {}

  check = always;

  async run(_model: ApiModel, real: Cluster): Promise<void> {
    const refusal = invoke(real.secondary, this.invocation);
    await expect(refusal).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(refusal).rejects.toThrow(READ_ONLY_MESSAGE);
  }

  toString(): string {
    return `secondary.${label(this.invocation)}`;
  }
}

class SetContextCommand implements Command {
  constructor(private readonly context: { readonly db: string; readonly namespace: string }) {}

  check = always;

  async run(model: ApiModel, real: Cluster): Promise<void> {
    real.primary.setContext(this.context);
    model.context = this.context;
  }

  toString(): string {
    return `setContext(${JSON.stringify(this.context, shortened)})`;
  }
}

class ReadCommand implements Command {
  constructor(private readonly path: string) {}

  check = always;

  async run(model: ApiModel, real: Cluster): Promise<void> {
    await expectReadsLikeModel(real, model, [this.path]);
  }

  toString(): string {
    return `read(${JSON.stringify(this.path, shortened)})`;
  }
}

/** The four read methods' answers for a path, values as plain numbers. */
async function readAll(node: NetworkSyncBackend, path: string): Promise<Record<string, unknown>> {
  const data = await node.readData(path);
  const exists = await node.fileExists(path);
  const sizeBytes = await node.getFileSize(path);
  const metadata = await node.getMetadata(path);
  return { data: data === undefined ? undefined : Array.from(data), exists, sizeBytes, metadata };
}

/** What readAll must answer; an expiry is compared as the span the model knows it within. */
function expectedReads(path: string, visible: Visible): Record<string, unknown> {
  if (visible.kind !== 'present') return { data: undefined, exists: false, sizeBytes: undefined, metadata: undefined };
  const { value, key, db, namespace, tags, expiry }: ModelEntry = visible.entry;
  const metadata = { path, key, db, namespace, tags, expiresAtMs: expiry, sizeBytes: value.length };
  return { data: Array.from(value), exists: true, sizeBytes: value.length, metadata };
}

/** The actual expiry replaced by the model's span when it lies within it, so that toEqual says whether it does. */
function withExpiryAsSpan(answers: Record<string, unknown>, expected: Record<string, unknown>): Record<string, unknown> {
  const metadata = answers.metadata as { expiresAtMs: number | null } | undefined;
  const span = (expected.metadata as { expiresAtMs: Span | null } | undefined)?.expiresAtMs;
  const actualMs = metadata?.expiresAtMs;
  if (metadata === undefined || span === undefined || span === null || actualMs === null || actualMs === undefined) return answers;
  const within = actualMs >= span.startMs && actualMs <= span.endMs;
  return within ? { ...answers, metadata: { ...metadata, expiresAtMs: span } } : answers;
}

/** Reads by what the model said they must see, across runs: a property whose reads never met an expiry proved little. */
export const readTally: Record<Visible['kind'], number> = { absent: 0, expired: 0, present: 0, unknown: 0 };

/** Waits for the secondary to catch up, then reads each path with every read method on both nodes. */
export async function expectReadsLikeModel(real: Cluster, model: ApiModel, paths: readonly string[]): Promise<void> {
  await waitCaughtUp(real.primary, [real.secondary]);
  for (const [name, node] of [['primary', real.primary], ['secondary', real.secondary]] as const) {
    for (const path of paths) {
      const startMs = Date.now();
      const answers = await readAll(node, path);
      const visible = model.visible(path, { startMs, endMs: Date.now() });
      readTally[visible.kind] += 1;
      if (visible.kind === 'unknown') continue;
      const expected = expectedReads(path, visible);
      expect(withExpiryAsSpan(answers, expected), `${name} reads ${JSON.stringify(path, shortened)}`).toEqual(expected);
    }
  }
}

// Small alphabets so that calls collide, each name sometimes a wide one (see nameArb).
const path = nameArb(['p0', 'p1', 'p2']);
const key = nameArb(['k0', 'k1']);
const db = nameArb(['d0', 'd1']);
const namespace = nameArb(['n0', 'n1']);
const tags = fc.uniqueArray(nameArb(['t0', 't1', 't2']), { maxLength: 3 });
const data: fc.Arbitrary<ApiData> = fc.oneof(fc.constantFrom('a', 'bb', '', 'é\u{1f600}'), fc.uint8Array({ maxLength: 8 }));
/** Fractional seconds, most short enough to expire during the run. */
const ttl = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: SHORT_TTL_MS_MIN, max: SHORT_TTL_MS_MAX }).map((ms) => ms / 1000) },
  { weight: 1, arbitrary: fc.constant(LONG_TTL_SECONDS) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const invocationArb: fc.Arbitrary<WriteInvocation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ method: fc.constant('writeWithReplication'), relativePath: path, data, key, tags, ttl }, { requiredKeys: ['method', 'relativePath', 'data'] }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('writeData'), path, data }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('deleteWithReplication'), relativePath: path, key }, { requiredKeys: ['method', 'relativePath'] }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('deleteFile'), path }) },
  { weight: 2, arbitrary: fc.record({ method: fc.constant('setTtl'), path, ttl }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('setTags'), path, tags }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('flush'), db: fc.option(db, { nil: null }), namespace: fc.option(namespace, { nil: null }) }) },
);

/** Every command; `replayPath` (what a failure printed) makes fast-check replay its shrunk commands. */
export const apiCommandsArb = (replayPath?: string): fc.Arbitrary<Iterable<Command>> => fc.commands(
  [
    fc.oneof(
      { weight: 6, arbitrary: invocationArb.map((invocation): Command => new WriteCommand(invocation)) },
      { weight: 1, arbitrary: invocationArb.map((invocation): Command => new ReadOnlyCommand(invocation)) },
      { weight: 1, arbitrary: fc.record({ db, namespace }).map((context): Command => new SetContextCommand(context)) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: WAIT_MS_MAX }).map((ms): Command => new WaitCommand<ApiModel, Cluster>(ms)) },
      { weight: 2, arbitrary: path.map((name): Command => new ReadCommand(name)) },
    ),
  ],
  { maxCommands: COMMANDS_MAX, size: 'max', replayPath },
);
