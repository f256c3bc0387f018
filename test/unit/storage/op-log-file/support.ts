import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Operation } from '../../../../src/core/operation.js';
import type { StorageBackend } from '../../../../src/storage/backend.js';
import { LoggedStorage, type LoggedStorageOptions } from '../../../../src/storage/op-log-file/logged-storage.js';
import { encodeLogRecord, type LogRecord } from '../../../../src/storage/op-log-file/record.js';
import { encodeSegmentHeader, type SegmentHeader } from '../../../../src/storage/op-log-file/segment.js';
import { set } from '../../../support/ops.js';

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-oplog-'));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** Batch `index` (from 1) of a test history: `size` SETs. */
export function batchOf(index: number, size = 2): Operation[] {
  return Array.from({ length: size }, (_, at) => set(`k${index}-${at}`, `v${index}-${at}`));
}

/** Applies batches 1..count of `size` operations as a primary of `historyId` would; returns the last sequence. */
export async function writeBatches(storage: StorageBackend, historyId: string, count: number, size = 2, from = 1): Promise<number> {
  let sequence = (from - 1) * size;
  for (let index = from; index < from + count; index += 1) {
    sequence += size;
    await storage.apply(batchOf(index, size), { replicationId: historyId, sequence });
  }
  return sequence;
}

export async function openLogged(base: StorageBackend, dir: string, extra: Partial<LoggedStorageOptions> = {}): Promise<LoggedStorage> {
  return LoggedStorage.open(base, { dir, fsync: 'always', nowMs: () => 1_000, ...extra });
}

/** A segment file's bytes as the writer would leave them: its header, then `records`. */
export function segmentBytes(header: SegmentHeader, records: readonly LogRecord[]): Buffer {
  return Buffer.concat([encodeSegmentHeader(header), ...records.flatMap((record) => encodeLogRecord(record))]);
}

/** An OPERATIONS record of one SET at `sequence`. */
export function oneSet(sequence: number, value = 'v'): LogRecord {
  return { kind: 'operations', writtenAtMs: 1, firstSequence: sequence, operations: [set(`k${sequence}`, value)] };
}
