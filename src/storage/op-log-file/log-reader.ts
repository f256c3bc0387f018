import { constants } from 'node:fs';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../../core/assert.js';
import { LogCorruptError } from '../../core/errors.js';
import type { Limits, PersistedLogLimits } from '../../core/limits.js';
import type { LogExtent } from '../../core/log-persistence/recovery.js';
import type { LogEntry } from '../../core/operation.js';
import { closeFd, fdatasyncFd, openFd, truncateFd } from '../fd-calls.js';
import { LogWriter } from './log-writer.js';
import type { LogSettings, LogStore, OpenedLog } from './log-store.js';
import { entriesOf } from './record.js';
import { firstSequenceOfName, parseSegment, type SegmentHeader } from './segment.js';

/** What retention needs to know of a segment. */
export interface SegmentInfo {
  readonly file: string;
  readonly firstSequence: number;
  lastSequence: number;
  bytes: number;
  lastWrittenAtMs: number;
}

export interface ReadLog {
  readonly extent: LogExtent | null;
  readonly header: SegmentHeader | null;
  /** Every entry the segments hold, in order. */
  readonly entries: readonly LogEntry[];
  readonly segments: SegmentInfo[];
  /** Bytes cut from the newest segment's torn tail. */
  readonly cutBytes: number;
}

/**
 * Reads the log's directory (creating it), checks it end to end and cuts the newest segment's
 * torn tail, synced: the rules of docs/OPERATION-LOG.md. Anything else wrong is a LogCorruptError.
 */
export async function readLog(dir: string, limits: PersistedLogLimits, coreLimits: Limits): Promise<ReadLog> {
  await mkdir(dir, { recursive: true });
  const names = await segmentNames(dir);
  const segments: SegmentInfo[] = [];
  const entries: LogEntry[] = [];
  let header: SegmentHeader | null = null;
  let closed = false;
  let cutBytes = 0;
  for (const [index, name] of names.entries()) {
    const file = join(dir, name);
    const bytes = await readSegmentFile(file, limits, coreLimits);
    const parsed = parseSegment(bytes, file, coreLimits);
    header = checkHeader(parsed.header, header, file, firstSequenceOfName(name), nextSequenceOf(header, entries));
    const info: SegmentInfo = { file, firstSequence: parsed.header.firstSequence, lastSequence: parsed.header.firstSequence - 1, bytes: parsed.goodBytes, lastWrittenAtMs: 0 };
    for (const { record, offset } of parsed.records) {
      const where = `${file} at byte ${offset}`;
      closed = record.kind === 'closed';
      info.lastWrittenAtMs = record.writtenAtMs;
      if (record.kind === 'closed') {
        if (record.lastSequence !== info.lastSequence) throw new LogCorruptError(`${where}: a clean shutdown at sequence ${record.lastSequence}, after ${info.lastSequence}`);
        continue;
      }
      if (record.firstSequence !== info.lastSequence + 1) throw new LogCorruptError(`${where}: sequence ${record.firstSequence} follows ${info.lastSequence}`);
      entries.push(...entriesOf(record));
      info.lastSequence += record.operations.length;
    }
    if (parsed.tail !== null) {
      if (index !== names.length - 1) throw new LogCorruptError(`corrupt record in ${file} at byte ${parsed.tail.offset} (${parsed.tail.why}): only the newest segment can have a torn tail`);
      cutBytes = bytes.length - parsed.goodBytes;
      await cutTail(file, parsed.goodBytes);
    }
    segments.push(info);
  }
  return { extent: extentOf(header, entries, closed), header, entries, segments, cutBytes };
}

async function segmentNames(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  // A temp file is a segment whose creation a crash interrupted: it was never renamed into use.
  for (const name of names) if (name.endsWith('.tmp')) await unlink(join(dir, name));
  return names.filter((name) => firstSequenceOfName(name) !== null).sort();
}

/** Larger than a full segment plus the largest record is not a segment this library wrote. */
async function readSegmentFile(file: string, limits: PersistedLogLimits, coreLimits: Limits): Promise<Buffer> {
  const bytesMax = limits.logSegmentBytesMax + limits.logRecordBytesMax + coreLimits.frameBytesMax;
  const { size } = await stat(file);
  if (size > bytesMax) throw new LogCorruptError(`${file} holds ${size} bytes, more than a segment can (logSegmentBytesMax + logRecordBytesMax + frameBytesMax = ${bytesMax})`);
  return readFile(file);
}

function checkHeader(header: SegmentHeader, previous: SegmentHeader | null, file: string, named: number | null, expected: number | null): SegmentHeader {
  if (header.firstSequence !== named) throw new LogCorruptError(`${file}: its header says sequence ${header.firstSequence}, its name ${named}`);
  if (previous === null) return header;
  if (header.historyId !== previous.historyId) throw new LogCorruptError(`${file} is of history ${header.historyId}, the log before it of ${previous.historyId}: a log holds one history`);
  if (header.firstSequence !== expected) throw new LogCorruptError(`${file} begins at sequence ${header.firstSequence}, where ${expected} was next`);
  return previous;
}

function nextSequenceOf(header: SegmentHeader | null, entries: readonly LogEntry[]): number | null {
  if (header === null) return null;
  const last = entries[entries.length - 1];
  return last === undefined ? header.firstSequence : last.sequence + 1;
}

function extentOf(header: SegmentHeader | null, entries: readonly LogEntry[], closed: boolean): LogExtent | null {
  if (header === null) return null;
  const firstSequence = header.firstSequence;
  const lastSequence = firstSequence - 1 + entries.length;
  assert(entries.length === 0 || entries[entries.length - 1]?.sequence === lastSequence, 'log entries not consecutive');
  return { historyId: header.historyId, base: header.base, firstSequence, lastSequence, closed };
}

async function cutTail(file: string, bytes: number): Promise<void> {
  const fd = await openFd(file, constants.O_RDWR);
  try {
    await truncateFd(fd, bytes);
    await fdatasyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

/** The segment files of a directory as a primary's log. */
export function fileLogStore(dir: string): LogStore {
  return {
    where: dir,
    async open({ limits, coreLimits, policy }: LogSettings): Promise<OpenedLog> {
      const read = await readLog(dir, limits, coreLimits);
      return { extent: read.extent, entries: read.entries, cutBytes: read.cutBytes, policy, appender: new LogWriter(dir, limits, policy, read.segments, read.header) };
    },
  };
}
