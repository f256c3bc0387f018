import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBinaryEntries } from '../../../src/core/codec/binary-frame.js';
import { BINARY_WIRE_FORMATS, encodeFrame, type BinaryWireFormat } from '../../../src/core/codec/index.js';
import type { Frame } from '../../../src/core/frame.js';
import { DEFAULT_LIMITS, LOG_CHUNK_BYTES, LOG_PACKED_VALUE_BYTES_MAX } from '../../../src/core/limits.js';
import { OperationLog } from '../../../src/core/op-log.js';
import type { LogEntry, Operation } from '../../../src/core/operation.js';
import { validateOperation } from '../../../src/core/validate-operation.js';
import { operationArb } from '../../support/arbitraries.js';
import { survivors, watch } from '../../support/collected.js';
import { del, set } from '../../support/ops.js';

const T0 = 1_700_000_000_000;

function packedLog(): OperationLog {
  const log = new OperationLog(DEFAULT_LIMITS);
  log.packOperations(DEFAULT_LIMITS);
  return log;
}

function appended(log: OperationLog, ops: readonly Operation[]): LogEntry[] {
  const entries = ops.map((op, index) => ({ sequence: log.lastSequence + index + 1, timestampMs: T0 + index, op }));
  for (const entry of entries) log.append(entry, 100);
  log.invariants();
  return entries;
}

/** What the primary sends for these entries of the log, built from its encodings. */
function frameFrom(log: OperationLog, from: number, count: number, timestampMs: number, format: BinaryWireFormat = 'binary-1'): Uint8Array {
  return encodeBinaryEntries(count, timestampMs, (out) => log.writeEntries(from, count, out), DEFAULT_LIMITS, format).bytes;
}

function framed(entries: readonly LogEntry[], timestampMs: number): Frame {
  return entries.length === 1 ? { kind: 'operation', ...entries[0]! } : { kind: 'batch', timestampMs, entries };
}

const value = (bytes: number, fill: number): string => String.fromCharCode(fill).repeat(bytes);

describe('OperationLog keeping operations encoded (packOperations)', () => {
  it('gives back every kind of operation as written, and its time without decoding it', () => {
    const log = packedLog();
    const ops: Operation[] = [
      set('a', '1'),
      set('b', 'é', { key: 'key of b', tags: ['t1', 't2'], expiresAtMs: T0 + 60_000 }),
      del('a'),
      { type: 'SET_TTL', path: 'b', expiresAtMs: null },
      { type: 'FLUSH', db: 'db', namespace: null },
      { type: 'METADATA', path: 'b', tags: ['t3'] },
    ];
    const entries = appended(log, ops);
    for (const entry of entries) {
      expect(log.entryAt(entry.sequence)).toEqual(entry);
      expect(log.timestampAt(entry.sequence)).toBe(entry.timestampMs);
    }
  });

  it('builds frames byte for byte as the encoder does from the entries: one operation, a batch, a batch across chunks', () => {
    const log = packedLog();
    const large = Math.floor(LOG_PACKED_VALUE_BYTES_MAX * 0.9);
    const entries = appended(log, [set('x', 'small'), ...Array.from({ length: Math.ceil((2 * LOG_CHUNK_BYTES) / large) }, (_, index) => set(`big${index}`, value(large, 65 + (index % 26))))]);
    expect(entries.every((entry) => log.keepsEncoded(entry.sequence))).toBe(true);
    for (const format of BINARY_WIRE_FORMATS) {
      for (const [from, count] of [[1, 1], [1, 3], [2, entries.length - 1]] as const) {
        const expected = encodeFrame(framed(entries.slice(from - 1, from - 1 + count), T0 + 99), DEFAULT_LIMITS, format).bytes;
        // Compared as Buffers: toEqual walks a large typed array element by element, for seconds.
        expect(Buffer.from(frameFrom(log, from, count, T0 + 99, format)).equals(expected)).toBe(true);
      }
    }
  });

  it('keeps a value above LOG_PACKED_VALUE_BYTES_MAX as written, and entries made after keepEncodings too; a frame takes both kinds', () => {
    const log = packedLog();
    const [small, large] = appended(log, [set('a', '1'), set('big', value(LOG_PACKED_VALUE_BYTES_MAX + 1, 66))]);
    expect(log.entryAt(2)).toBe(large);
    expect([log.keepsEncoded(1), log.keepsEncoded(2)]).toEqual([true, false]);
    log.keepEncodings();
    const [kept, last] = appended(log, [set('c', '3'), set('d', '4')]);
    expect(log.entryAt(3)).toBe(kept);
    expect(log.keepsEncoded(3)).toBe(false);
    const expected = encodeFrame(framed([small!, large!, kept!, last!], T0), DEFAULT_LIMITS, 'binary-1').bytes;
    expect(Buffer.from(frameFrom(log, 1, 4, T0)).equals(expected)).toBe(true);
  });

  it('holds no object of the entries it keeps encoded', async () => {
    const log = packedLog();
    const refs = watch(appended(log, Array.from({ length: 100 }, (_, index) => set(`p${index}`, `v${index}`))).flatMap((entry) => [entry, entry.op]));
    expect(await survivors(refs)).toBe(0);
    expect(log.entryAt(100).op).toEqual(set('p99', 'v99'));
  });

  it('evicts encoded entries by its bounds and still serves the rest', () => {
    const log = new OperationLog({ logEntriesMax: 3, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 });
    log.packOperations(DEFAULT_LIMITS);
    const entries = appended(log, Array.from({ length: 2_500 }, (_, index) => set(`p${index}`, `v${index}`)));
    expect([log.firstSequence, log.lastSequence]).toEqual([2_498, 2_500]);
    expect(log.entryAt(2_498)).toEqual(entries[2_497]);
    expect(frameFrom(log, 2_498, 3, T0)).toEqual(encodeFrame(framed(entries.slice(2_497), T0), DEFAULT_LIMITS, 'binary-1').bytes);
  });

  it('answers as a log keeping the operations as written, for any writes the primary accepts and any bounds', () => {
    const accepted = operationArb.filter((op) => {
      try {
        validateOperation(op, DEFAULT_LIMITS);
        return true;
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(fc.array(accepted, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (ops, logEntriesMax) => {
        const bounds = { logEntriesMax, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 };
        const plain = new OperationLog(bounds);
        const packed = new OperationLog(bounds);
        packed.packOperations(DEFAULT_LIMITS);
        appended(plain, ops);
        appended(packed, ops);
        expect([packed.firstSequence, packed.lastSequence, packed.bytes]).toEqual([plain.firstSequence, plain.lastSequence, plain.bytes]);
        for (let sequence = packed.firstSequence; sequence <= packed.lastSequence; sequence += 1) expect(packed.entryAt(sequence)).toEqual(plain.entryAt(sequence));
        const from = packed.firstSequence;
        const count = Math.min(packed.size, DEFAULT_LIMITS.batchEntriesMax);
        const entries = Array.from({ length: count }, (_, index) => plain.entryAt(from + index));
        expect(Buffer.from(frameFrom(packed, from, count, T0)).equals(encodeFrame(framed(entries, T0), DEFAULT_LIMITS, 'binary-1').bytes)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
