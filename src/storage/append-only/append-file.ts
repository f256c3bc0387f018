import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { assert } from '../../core/assert.js';
import { StorageFailedError } from '../../core/errors.js';
import { closeFd, fdatasyncFd, fstatFd, fsyncFd, openFd, readFd, renameFile, truncateFd, unlinkFile, writevFd } from '../fd-calls.js';
import { isMissing } from '../filesystem/disk.js';
import { syncPath } from '../filesystem/file-io.js';
import { describeAfterBad, FRAME_HEADER_BYTES, frameAt, goodRecordAfter, isWholeUnderWrongLength, markerBytesOf, RECORD_MARKER, type Framed, type FrameShape } from '../record-frame.js';
import { RECORD_BYTES_MAX } from '../limits.js';
import { READ_CHUNK_BYTES, WHOLE_FILE_SYNC_BYTES } from './limits.js';
import { decodeRecord, encodeRecord, RECORD_SHAPE, UNMARKED_RECORD_SHAPE, type BatchRecord } from './record.js';

/**
 * The first bytes of every append-only file this code writes: a file without them is not one. The
 * digit is the format: 2 marks each record (src/storage/record-frame.ts).
 */
export const MAGIC = Buffer.from('NADBAOF2');
/** The first format's: records without a marker. Still read; open() writes such a file anew as format 2. */
export const UNMARKED_MAGIC = Buffer.from('NADBAOF1');

/**
 * The most bytes one record takes, marker and frame header included: one append, so the most a
 * torn tail holds. A bad record with more bytes after it (other than zeros) is damage; the search
 * for a good record after one never reads more, nor does the reader for a record.
 */
const APPEND_BYTES_MAX = RECORD_MARKER.length + FRAME_HEADER_BYTES + RECORD_BYTES_MAX;

export interface Replayed {
  /** Bytes kept, and bytes cut from a torn tail. */
  readonly bytes: number;
  readonly cutBytes: number;
  /** False for a file of the first format, which appends must not go to (they are marked). */
  readonly marked: boolean;
}

/**
 * Replays the file's records in order, then cuts a torn tail: what a crash while appending leaves
 * (never an apply that resolved durable), a last record cut short or failing its CRC, or zeros
 * where records would be. A bad record is damage, not a tail, when its frame ends before other
 * bytes, when a good record follows it (found by its marker), or when its CRC holds over the bytes
 * after its header under a wrong length: a clear error naming its offset, never a silent cut.
 */
export async function replay(file: string, onRecord: (record: BatchRecord) => void, sync: boolean): Promise<Replayed> {
  const fd = await openFd(file, constants.O_RDWR);
  try {
    const { size } = await fstatFd(fd);
    const reader = new ChunkReader(fd, size);
    const shape = shapeOf(await reader.bytesAt(0, MAGIC.length), file);
    let offset = MAGIC.length;
    while (offset < size) {
      const framed = await reader.frameAt(offset, shape);
      if (framed.kind !== 'record') {
        await checkTornTail(reader, offset, framed, shape, file);
        break;
      }
      onRecord(decodeRecord(framed.payload, `${file} at byte ${offset}`));
      offset += markerBytesOf(shape) + framed.frameBytes;
    }
    if (offset < size) {
      await truncateFd(fd, offset);
      if (sync) await fdatasyncFd(fd);
    }
    return { bytes: offset, cutBytes: size - offset, marked: shape.marked };
  } finally {
    await closeFd(fd);
  }
}

function shapeOf(magic: Buffer, file: string): FrameShape {
  if (magic.equals(MAGIC)) return RECORD_SHAPE;
  if (magic.equals(UNMARKED_MAGIC)) return UNMARKED_RECORD_SHAPE;
  throw new StorageFailedError(`${file} is not an append-only file of this library (its first bytes are not ${MAGIC.toString()} or ${UNMARKED_MAGIC.toString()})`);
}

/** Returns when the bad record at `offset` is a torn tail, to be cut; throws when it is damage. */
async function checkTornTail(reader: ChunkReader, offset: number, framed: Exclude<Framed, { kind: 'record' }>, shape: FrameShape, file: string): Promise<void> {
  if (await reader.zerosFrom(offset)) return;
  const tailBytes = reader.size - offset;
  const why = framed.kind === 'bad' ? framed.why : 'a record cut short';
  const damage = (what: string): StorageFailedError => new StorageFailedError(`corrupt record in ${file} at byte ${offset} (${why}) with ${what}: not a torn append; restore the file or resync this node from a fresh directory`);
  if (framed.kind === 'bad' && markerBytesOf(shape) + framed.frameBytes < tailBytes) throw damage(`${tailBytes} bytes from it, more than its frame`);
  if (tailBytes > APPEND_BYTES_MAX) throw damage(`${tailBytes} bytes from it, more than one append writes`);
  const tail = await reader.bytesAt(offset, tailBytes);
  if (isWholeUnderWrongLength(tail, shape)) throw damage(`${tailBytes} bytes from it over which its CRC-32 holds: a whole record under a wrong length`);
  const after = goodRecordAfter(tail, 0, shape);
  if (after.kind !== 'torn') throw damage(describeAfterBad(after, offset));
}

/**
 * Writes `records` as the whole content of `file`, atomically: a temp file beside it, synced,
 * renamed over it, the directory synced. A crash leaves the old file or the new one. Returns its size.
 */
export async function writeWhole(file: string, records: Iterable<BatchRecord>, sync: boolean): Promise<number> {
  const writer = await FileWriter.create(tempOf(file), sync);
  let bytes: number;
  try {
    await writer.write([MAGIC]);
    for (const record of records) await writer.write(encodeRecord(record));
    bytes = await writer.finish();
  } catch (error) {
    await writer.discard();
    throw error;
  }
  await installTemp(file, sync);
  return bytes;
}

/** Where a rewrite writes before its rename: a leftover of a crash, removed at open. */
export function tempOf(file: string): string {
  return `${file}.tmp`;
}

/** Renames the finished temp file over `file`, and makes the rename durable when `sync`. */
export async function installTemp(file: string, sync: boolean): Promise<void> {
  await renameFile(tempOf(file), file);
  if (sync) await syncPath(dirname(file));
}

/**
 * A new file written front to back: finished (synced, closed) or discarded (removed). With `sync`,
 * synced every WHOLE_FILE_SYNC_BYTES on the way and once more when finished.
 */
export class FileWriter {
  private fd: number | undefined;
  private bytes = 0;
  private unsyncedBytes = 0;

  private constructor(
    fd: number,
    private readonly file: string,
    private readonly sync: boolean,
  ) {
    this.fd = fd;
  }

  static async create(file: string, sync: boolean): Promise<FileWriter> {
    return new FileWriter(await openFd(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC), file, sync);
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    assert(this.fd !== undefined, 'a write after the file was finished');
    const bytes = await writeAll(this.fd, chunks, this.file);
    this.bytes += bytes;
    this.unsyncedBytes += bytes;
    if (!this.sync || this.unsyncedBytes < WHOLE_FILE_SYNC_BYTES) return;
    this.unsyncedBytes = 0;
    await fdatasyncFd(this.fd);
  }

  /** Syncs (when `sync`) and closes the file; returns its size. */
  async finish(): Promise<number> {
    const fd = this.fd;
    assert(fd !== undefined, 'a file finished twice');
    this.fd = undefined;
    try {
      if (this.sync) await fsyncFd(fd);
    } finally {
      await closeFd(fd);
    }
    return this.bytes;
  }

  async discard(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await closeFd(fd);
    await unlinkFile(this.file).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
  }
}

/** The file, open for appending records. After a failed append it refuses every other: see append. */
export class Appender {
  private failure: string | undefined;

  private constructor(
    private readonly fd: number,
    private readonly file: string,
    private size: number,
  ) {}

  static async open(file: string, size: number): Promise<Appender> {
    return new Appender(await openFd(file, constants.O_WRONLY | constants.O_APPEND), file, size);
  }

  get bytes(): number {
    return this.size;
  }

  /**
   * Appends one encoded record, synced when `sync`. A failure may leave part of the record, or all
   * of it unsynced: nothing more is appended after it (a torn tail must stay the tail, to be cut
   * at the next open), so every later append fails too until the storage is reopened.
   */
  async append(record: Uint8Array[], sync: boolean): Promise<void> {
    if (this.failure !== undefined) throw new StorageFailedError(`${this.file}: an earlier append failed (${this.failure}); reopen the storage`);
    try {
      this.size += await writeAll(this.fd, record, this.file);
      if (sync) await fdatasyncFd(this.fd);
    } catch (error) {
      this.refuse(error);
      throw error;
    }
  }

  /** Refuses every append from now on: `error` left the file in a state only open() can judge. */
  refuse(error: unknown): void {
    this.failure ??= error instanceof Error ? error.message : String(error);
  }

  async close(): Promise<void> {
    await closeFd(this.fd);
  }
}

async function writeAll(fd: number, chunks: Uint8Array[], file: string): Promise<number> {
  const bytes = chunks.reduce((total, chunk) => total + chunk.length, 0);
  // libuv loops over short writes; fewer bytes written is a failure (ENOSPC).
  const { bytesWritten } = await writevFd(fd, chunks);
  if (bytesWritten !== bytes) throw new StorageFailedError(`short write to ${file}: ${bytesWritten} of ${bytes} bytes`);
  return bytes;
}

/** Reads a file front to back, keeping only the bytes not yet consumed. */
class ChunkReader {
  private buffered: Buffer = Buffer.alloc(0);
  /** File offset of buffered[0]. */
  private start = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /**
   * The record at `offset`, read whole when the file holds it. A first read may end inside its
   * length field (it asks for a chunk when the length is not buffered): then it is read again,
   * for as many bytes as the length says.
   */
  async frameAt(offset: number, shape: FrameShape): Promise<Framed> {
    for (;;) {
      const bytes = await this.bytesAt(offset, this.wanted(offset, shape));
      const framed = frameAt(bytes, 0, shape);
      if (framed.kind !== 'incomplete' || offset + bytes.length === this.size) return framed;
    }
  }

  /** How many bytes from `offset` to ask for: a whole record when its length is buffered, else a chunk. */
  private wanted(offset: number, shape: FrameShape): number {
    const lengthAt = offset - this.start + markerBytesOf(shape);
    if (this.buffered.length - lengthAt < 4) return READ_CHUNK_BYTES;
    const recordBytes = markerBytesOf(shape) + FRAME_HEADER_BYTES + this.buffered.readUInt32LE(lengthAt);
    // A length past RECORD_BYTES_MAX is bad from the header alone: none of its bytes are needed.
    return recordBytes > APPEND_BYTES_MAX ? READ_CHUNK_BYTES : Math.max(READ_CHUNK_BYTES, recordBytes);
  }

  /** Up to `length` bytes from `offset` (fewer at the end of the file); offsets only move forward. */
  async bytesAt(offset: number, length: number): Promise<Buffer> {
    assert(offset >= this.start, 'the reader only moves forward');
    const end = Math.min(this.size, offset + length);
    if (offset < this.start + this.buffered.length && end > this.start + this.buffered.length) {
      this.buffered = Buffer.concat([this.buffered.subarray(offset - this.start), await this.readRange(this.start + this.buffered.length, end)]);
      this.start = offset;
    } else if (offset >= this.start + this.buffered.length) {
      this.buffered = await this.readRange(offset, end);
      this.start = offset;
    }
    return this.buffered.subarray(offset - this.start, end - this.start);
  }

  /** Whether every byte from `offset` to the end of the file is zero. */
  async zerosFrom(offset: number): Promise<boolean> {
    for (let at = offset; at < this.size; at += READ_CHUNK_BYTES) {
      const bytes = await this.bytesAt(at, READ_CHUNK_BYTES);
      if (bytes.some((byte) => byte !== 0)) return false;
    }
    return true;
  }

  private async readRange(from: number, to: number): Promise<Buffer> {
    const bytes = Buffer.alloc(to - from);
    for (let done = 0; done < bytes.length;) {
      const { bytesRead } = await readFd(this.fd, bytes, done, bytes.length - done, from + done);
      if (bytesRead === 0) throw new StorageFailedError(`the file shrank while it was read (at byte ${from + done})`);
      done += bytesRead;
    }
    return bytes;
  }
}
