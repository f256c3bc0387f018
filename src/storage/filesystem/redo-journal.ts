import { createHash } from 'node:crypto';
import { StorageFailedError } from '../../core/errors.js';
import type { Cursor } from '../../core/storage-request.js';
import { decodeCursor, decodeMetadata, encodeCursor, encodeMetadata, parseJsonObject } from '../stored-json.js';
import { readIfPresent } from './disk.js';
import { writeFromStart } from './file-io.js';
import type { EntryForm } from './entry-form.js';
import type { FinalState, FinalStates } from './plan.js';

/**
 * The redo journal of the batch being applied: the final state of every path it touches, and
 * its cursor, in one file, never removed (so its name needs no fsync again) nor truncated to
 * nothing (so its blocks are overwritten, not allocated again):
 *   MAGIC, header bytes (u32 LE), header JSON, the entries' values in header order, SHA-256 of all before.
 * Cleared once the batch is on disk, by zeroing its MAGIC. A journal whose MAGIC or hash does not
 * match is cleared or torn (the crash came while it was written): no batch in progress, or one
 * that never reached its durability point; ignored either way.
 */
export interface JournaledBatch {
  readonly cursor: Cursor | null;
  readonly states: FinalStates;
}

const MAGIC = Buffer.from('NADBRJ1\n');
const HEADER_LENGTH_BYTES = 4;
const HASH_BYTES = 32;

interface StateRecord {
  readonly path: string;
  readonly kind: FinalState['kind'];
  /** Absent: 'file', the only form before entry-form.ts. */
  readonly form?: EntryForm;
  readonly metadata?: string;
  readonly valueBytes?: number;
  /** Absent: false. */
  readonly moved?: boolean;
  /** A journal of a version before entry-form.ts: an entry replacing a directory, a move to a file. */
  readonly replacesDir?: boolean;
}

export async function writeJournal(file: string, batch: JournaledBatch, sync: boolean): Promise<void> {
  const records: StateRecord[] = [];
  const values: Uint8Array[] = [];
  for (const [path, state] of batch.states) {
    records.push(recordOf(path, state));
    if (state.kind === 'entry') values.push(state.value);
  }
  const header = Buffer.from(JSON.stringify({ cursor: batch.cursor === null ? null : encodeCursor(batch.cursor), states: records }));
  const headerLength = Buffer.alloc(HEADER_LENGTH_BYTES);
  headerLength.writeUInt32LE(header.length);
  const chunks = [MAGIC, headerLength, header, ...values];
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  await writeFromStart(file, [...chunks, hash.digest()], { truncate: true, sync });
}

/** The journaled batch, or undefined when the journal is cleared, missing or torn. */
export async function readJournal(file: string): Promise<JournaledBatch | undefined> {
  const bytes = await readIfPresent(file);
  if (bytes === undefined || !isComplete(bytes)) return undefined;
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + HEADER_LENGTH_BYTES;
  const header = parseHeader(bytes.subarray(headerStart, headerStart + headerLength).toString('utf8'), file);
  let offset = headerStart + headerLength;
  const states = new Map<string, FinalState>();
  for (const record of header.states) {
    const valueBytes = record.valueBytes ?? 0;
    states.set(record.path, stateOf(record, bytes.subarray(offset, offset + valueBytes), file));
    offset += valueBytes;
  }
  if (offset !== bytes.length - HASH_BYTES) throw new StorageFailedError(`corrupt redo journal ${file}: values do not fill it`);
  return { cursor: header.cursor === null ? null : decodeCursor(header.cursor, file), states };
}

/** Clears the journal (making it if missing): no batch is in progress. */
export async function clearJournal(file: string, sync: boolean): Promise<void> {
  await writeFromStart(file, [Buffer.alloc(MAGIC.length)], { truncate: false, sync });
}

function isComplete(bytes: Buffer): boolean {
  if (bytes.length < MAGIC.length + HEADER_LENGTH_BYTES + HASH_BYTES) return false;
  const hashStart = bytes.length - HASH_BYTES;
  const hash = createHash('sha256').update(bytes.subarray(0, hashStart)).digest();
  return hash.equals(bytes.subarray(hashStart)) && bytes.subarray(0, MAGIC.length).equals(MAGIC);
}

function recordOf(path: string, state: FinalState): StateRecord {
  switch (state.kind) {
    case 'absent':
      return { path, kind: state.kind, ...formField(state.form) };
    case 'metadata':
      return { path, kind: state.kind, ...formField(state.form), metadata: encodeMetadata(state.stored) };
    case 'entry':
      return { path, kind: state.kind, ...formField(state.form), metadata: encodeMetadata(state.stored), valueBytes: state.value.length, ...(state.moved ? { moved: true } : {}) };
  }
}

/** Only where it is not the default, which a record of the version before forms reads as: a header costs a batch's bytes. */
function formField(form: EntryForm): { form?: EntryForm } {
  return form === 'file' ? {} : { form };
}

/** A record of a complete journal: a bad one is corruption (or a bug), never a torn write. */
function stateOf(record: StateRecord, value: Uint8Array, file: string): FinalState {
  const form = record.form ?? 'file';
  if (record.kind === 'absent') return { kind: 'absent', form };
  const stored = decodeMetadata(record.metadata ?? '', file);
  if (record.kind === 'metadata') return { kind: 'metadata', stored, form };
  return { kind: 'entry', stored, value: new Uint8Array(value), form, moved: (record.moved ?? record.replacesDir) === true };
}

function parseHeader(json: string, file: string): { cursor: string | null; states: StateRecord[] } {
  const corrupt = (): StorageFailedError => new StorageFailedError(`corrupt redo journal ${file}: ${json.slice(0, 200)}`);
  const header = parseJsonObject(json, corrupt);
  const valid = (header.cursor === null || typeof header.cursor === 'string') && Array.isArray(header.states) && header.states.every(isStateRecord);
  if (!valid) throw corrupt();
  return header as { cursor: string | null; states: StateRecord[] };
}

function isStateRecord(record: unknown): boolean {
  if (typeof record !== 'object' || record === null) return false;
  const { path, kind, form, valueBytes } = record as Partial<StateRecord>;
  return typeof path === 'string' && (kind === 'absent' || kind === 'entry' || kind === 'metadata')
    && (form === undefined || form === 'file' || form === 'dir')
    && (valueBytes === undefined || (Number.isSafeInteger(valueBytes) && valueBytes >= 0));
}
