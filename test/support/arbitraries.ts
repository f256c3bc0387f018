/**
 * fast-check arbitraries for the protocol's data: operations, log entries and every frame kind.
 * Everything generated is valid under DEFAULT_LIMITS (small sizes keep properties fast), and
 * strings mix plain ASCII with arbitrary UTF-16 code units: quotes, backslashes, control
 * characters, non-ASCII, surrogate pairs and lone surrogates. The names of operations also come
 * from the simulator's alphabets: a small colliding one, wide names whose order differs by code
 * unit, code point and locale, and names at the length limit.
 */
import fc from 'fast-check';
import type { ErrorCode, Frame } from '../../src/core/frame.js';
import type {
  DeleteOperation, FlushOperation, LogEntry, MetadataOperation, Operation, SetOperation, SetTtlOperation,
} from '../../src/core/operation.js';
import { LONGEST_NAME, WIDE_NAMES } from '../../sim/arbitraries/alphabets.js';
import { AUTH_NONCE_HEX_CHARS, AUTH_PROOF_HEX_CHARS, RECEIVE_LIMITS } from '../../src/core/limits.js';
import { nameArb as simulatorNameArb } from '../../sim/arbitraries/names.js';

/** Wire timestamps are float seconds; up to 2^50 ms they convert back exactly. */
export const TIMESTAMP_MS_ARB_MAX = 2 ** 50;

const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const special = fc.constantFrom('\ud800', '\udfff', ...WIDE_NAMES);
const nameUnit = fc.oneof({ weight: 4, arbitrary: printableAscii }, { weight: 1, arbitrary: anyCodeUnit }, { weight: 1, arbitrary: special });

export function nameArb(options: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> {
  return fc.string({ unit: nameUnit, minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 12 });
}

/** The length limit reached with a surrogate pair as the last two code units (DEFAULT_LIMITS' frames hold it). */
const PAIR_AT_LIMIT = `${LONGEST_NAME.slice(2)}\u{1f600}`;

/** A name of an operation: code-unit strings, or the simulator's names, or one ending at the limit in a pair. */
function operationNameArb(minLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: nameArb({ minLength }) },
    { weight: 2, arbitrary: simulatorNameArb(['a', 'b', 'c']) },
    { weight: 1, arbitrary: fc.constant(PAIR_AT_LIMIT) },
  );
}

export const pathArb = operationNameArb(1);
const hexDigit = fc.constantFrom(...'0123456789abcdef');
export function hexArb(length: number): fc.Arbitrary<string> {
  return fc.string({ unit: hexDigit, minLength: length, maxLength: length });
}
export const idArb = fc.oneof(hexArb(32), nameArb({ minLength: 1 }));
export const tagsArb = fc.array(operationNameArb(0), { maxLength: 4 });
export const valueArb = fc.uint8Array({ maxLength: 48 });

/** Non-negative safe integers, biased to small ones and to the edges. */
export const sequenceArb = fc.oneof(
  fc.nat({ max: 1000 }),
  fc.constantFrom(0, 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
);
export const operationSequenceArb = sequenceArb.map((sequence) => Math.max(1, sequence));
export const timestampMsArb = fc.oneof(
  fc.nat({ max: 100_000 }),
  fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
  fc.constantFrom(0, 1, 999, 1000, 1001, TIMESTAMP_MS_ARB_MAX),
  fc.integer({ min: 0, max: TIMESTAMP_MS_ARB_MAX }),
);
export const expiresAtMsArb = fc.option(fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), { nil: null });

export const setOperationArb: fc.Arbitrary<SetOperation> = fc.record({
  type: fc.constant('SET' as const),
  path: pathArb,
  key: operationNameArb(0),
  value: valueArb,
  db: operationNameArb(0),
  namespace: operationNameArb(0),
  tags: tagsArb,
  expiresAtMs: expiresAtMsArb,
});
export const deleteOperationArb: fc.Arbitrary<DeleteOperation> = fc.record({ type: fc.constant('DELETE' as const), path: pathArb });
export const setTtlOperationArb: fc.Arbitrary<SetTtlOperation> = fc.record({
  type: fc.constant('SET_TTL' as const),
  path: pathArb,
  expiresAtMs: expiresAtMsArb,
});
export const flushOperationArb: fc.Arbitrary<FlushOperation> = fc.record({
  type: fc.constant('FLUSH' as const),
  db: fc.option(operationNameArb(0), { nil: null }),
  namespace: fc.option(operationNameArb(0), { nil: null }),
});
export const metadataOperationArb: fc.Arbitrary<MetadataOperation> = fc.record({
  type: fc.constant('METADATA' as const),
  path: pathArb,
  tags: tagsArb,
});

export const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 3, arbitrary: setOperationArb },
  deleteOperationArb,
  setTtlOperationArb,
  flushOperationArb,
  metadataOperationArb,
);

export const logEntryArb: fc.Arbitrary<LogEntry> = fc.record({
  sequence: operationSequenceArb,
  timestampMs: timestampMsArb,
  op: operationArb,
});

/** Consecutive entries, as a BATCH frame or a log range holds them. */
export function consecutiveEntriesArb(options: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<LogEntry[]> {
  const entries = fc.array(fc.record({ timestampMs: timestampMsArb, op: operationArb }), {
    minLength: options.minLength ?? 1,
    maxLength: options.maxLength ?? 6,
  });
  return fc.tuple(operationSequenceArb, entries).map(([first, items]) => {
    const start = Math.min(first, Number.MAX_SAFE_INTEGER - items.length + 1);
    return items.map((item, index) => ({ sequence: start + index, ...item }));
  });
}

const ERROR_CODES: readonly ErrorCode[] = [
  'protocol', 'checksum', 'frame_too_large', 'version', 'auth', 'unexpected_frame', 'gap', 'history',
  'timeout', 'budget', 'log_overrun', 'storage', 'snapshot', 'capacity', 'shutdown', 'fenced',
];

/** One arbitrary per frame kind, for tests that need a particular one. */
export const frameArbs = {
  operation: logEntryArb.map((entry): Frame => ({ kind: 'operation', ...entry })),
  batch: fc.record({ timestampMs: timestampMsArb, entries: consecutiveEntriesArb() })
    .map((batch): Frame => ({ kind: 'batch', ...batch })),
  hello: fc.record(
    {
      timestampMs: timestampMsArb, protocolVersion: sequenceArb, replicaId: idArb, auth: fc.option(nameArb(), { nil: null }), nonce: hexArb(AUTH_NONCE_HEX_CHARS),
      epoch: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      windowBytes: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), snapshotWindowBytes: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      receiveLimits: fc.dictionary(fc.constantFrom(...RECEIVE_LIMITS), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { minKeys: 1 }),
      replicationTimeoutMs: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    },
    { requiredKeys: ['timestampMs', 'protocolVersion', 'replicaId', 'auth'] },
  ).map((hello): Frame => ({ kind: 'hello', ...hello })),
  challenge: fc.record({ timestampMs: timestampMsArb, nonce: hexArb(AUTH_NONCE_HEX_CHARS) }).map((challenge): Frame => ({ kind: 'challenge', ...challenge })),
  auth: fc.record({ timestampMs: timestampMsArb, proof: hexArb(AUTH_PROOF_HEX_CHARS) }).map((auth): Frame => ({ kind: 'auth', ...auth })),
  welcome: fc.record(
    {
      timestampMs: timestampMsArb, protocolVersion: sequenceArb, replicationId: idArb, lastSequence: sequenceArb, proof: hexArb(AUTH_PROOF_HEX_CHARS),
      epoch: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), previous: fc.record({ replicationId: idArb, endSequence: sequenceArb }),
    },
    { requiredKeys: ['timestampMs', 'protocolVersion', 'replicationId', 'lastSequence'] },
  ).map((welcome): Frame => ({
    kind: 'welcome', ...welcome,
    // A promoted primary's history starts where its predecessor's ended.
    ...(welcome.previous === undefined ? {} : { lastSequence: Math.max(welcome.lastSequence, welcome.previous.endSequence) }),
  })),
  syncRequest: fc.record({ timestampMs: timestampMsArb, replicationId: fc.option(idArb, { nil: null }), fromSequence: sequenceArb })
    .map((request): Frame => ({ kind: 'syncRequest', ...request })),
  syncResponse: fc.record({
    timestampMs: timestampMsArb,
    mode: fc.constantFrom('continue' as const, 'full_resync' as const),
    replicationId: idArb,
    fromSequence: sequenceArb,
  }).map((response): Frame => ({ kind: 'syncResponse', ...response })),
  snapshotChunk: fc.record({ timestampMs: timestampMsArb, index: sequenceArb, entries: fc.array(setOperationArb, { maxLength: 4 }) })
    .map((chunk): Frame => ({ kind: 'snapshotChunk', ...chunk })),
  snapshotEnd: fc.record({
    timestampMs: timestampMsArb,
    chunkCount: sequenceArb,
    entryCount: sequenceArb,
    digest: hexArb(64),
    consistentSequence: sequenceArb,
  }).map((end): Frame => ({ kind: 'snapshotEnd', ...end })),
  ack: fc.record({
    timestampMs: timestampMsArb,
    receivedSequence: sequenceArb,
    appliedSequence: sequenceArb,
    durableSequence: sequenceArb,
    bytesReceived: sequenceArb,
  }).map((ack): Frame => ({ kind: 'ack', ...ack })),
  heartbeat: fc.record({ timestampMs: timestampMsArb, replicationId: fc.option(idArb, { nil: null }), lastSequence: sequenceArb })
    .map((heartbeat): Frame => ({ kind: 'heartbeat', ...heartbeat })),
  error: fc.record({ timestampMs: timestampMsArb, code: fc.constantFrom(...ERROR_CODES), message: nameArb({ maxLength: 40 }) })
    .map((error): Frame => ({ kind: 'error', ...error })),
} satisfies Record<Frame['kind'], fc.Arbitrary<Frame>>;

export const frameArb: fc.Arbitrary<Frame> = fc.oneof(...Object.values(frameArbs));

const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The value with every lone surrogate in its strings replaced by U+FFFD (same length): what a
 * binary frame can carry, since a lone surrogate has no UTF-8 (the primary admits no such name).
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATES, '\ufffd') as T;
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, wellFormed(field)])) as T;
}

/** Every frame kind, names well-formed: on a binary link the data frames are binary, the rest JSON. */
export const wellFormedFrameArb: fc.Arbitrary<Frame> = frameArb.map(wellFormed);
/** The frames that travel binary on a binary link: an operation, a BATCH, a SNAPSHOT_CHUNK. */
export const dataFrameArb: fc.Arbitrary<Frame> = fc.oneof(frameArbs.operation, frameArbs.batch, frameArbs.snapshotChunk).map(wellFormed);

/**
 * Cut points for splitting `length` bytes into chunks: sorted, distinct, inside (0, length).
 * An empty list means one chunk; `oneByte` gives 1-byte chunks.
 */
export function chunkingArb(length: number): fc.Arbitrary<number[]> {
  const everyByte = Array.from({ length: Math.max(0, length - 1) }, (_, index) => index + 1);
  const cuts = fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 12 })
    .map((points) => points.filter((point) => point < length).sort((a, b) => a - b));
  return fc.oneof({ weight: 4, arbitrary: cuts }, { weight: 1, arbitrary: fc.constant(everyByte) });
}

export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const bounds = [0, ...cuts, bytes.length];
  return bounds.slice(1).map((end, index) => bytes.subarray(bounds[index], end));
}
