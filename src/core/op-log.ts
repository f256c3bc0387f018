import { assert, AssertionError, assertSequence } from './assert.js';
import { ChunkedBytes } from './chunked-bytes.js';
import type { ByteSink } from './codec/binary-bytes.js';
import { entryFromEncoded, sequenceOfEncoded, writeEntry } from './codec/binary-frame.js';
import { admitOperation, releaseOperation } from './codec/operation-encodings.js';
import { LOG_CHUNK_BYTES, LOG_PACKED_VALUE_BYTES_MAX, type Limits } from './limits.js';
import type { LogEntry, Operation } from './operation.js';
import { PackedFrame } from './packed-frame.js';

/**
 * What the log keeps for an entry: the entry; the received frame it came in (PackedFrame, a
 * secondary's); or the chunk that holds its binary encoding (packOperations, a primary's).
 */
type Slot = LogEntry | PackedFrame | Uint8Array;

/** Evicted slots kept before the arrays are compacted: compaction is amortised O(1) per append. */
const COMPACT_AFTER_EVICTED = 1024;

export interface OperationLogLimits {
  readonly logEntriesMax: number;
  readonly logBytesMax: number;
  readonly replicaBacklogBytesMax: number;
}

/**
 * The primary's recent history, bounded by count and by bytes. It serves ranges for catch-up and
 * knows its first retained sequence, which is how the primary tells "continue" from "full resync".
 *
 * Beyond those bounds it keeps what connected secondaries still need (`neededFrom` of each
 * append: a snapshot's first replayed sequence, a slow stream's next one), up to
 * replicaBacklogBytesMax more: otherwise a snapshot that outlasts the log ends in a log overrun
 * and a new snapshot, over and over while the writes go on.
 *
 * A primary's log also keeps, beyond every bound, the writes its storage has yet to apply
 * (`appliedThrough`), which pendingWritesMax bounds: a full resync snapshots the storage and
 * replays the log from the storage's next write.
 */
export class OperationLog {
  /**
   * Evicted slots are cleared at once: until the next compaction they would keep their entries (a
   * secondary's: the frames they came in) alive. Consecutive entries of one frame share its slot
   * object, so the array holds references, not an object each.
   */
  private readonly entries: (Slot | undefined)[] = [];
  /** Where an entry kept in a chunk lies in it (0 for the others), and every entry's time. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly timestamps: number[] = [];
  /** Encoded-size bound of each retained entry, and the running total since the history began. */
  private readonly sizes: number[] = [];
  private readonly cumulativeBytes: number[] = [];
  private head = 0;
  private retainedBytes = 0;
  private last: number;
  /** The latest append's neededFrom: eviction by the plain bounds stops there. */
  private neededFrom = Number.POSITIVE_INFINITY;
  /** The first write the storage has yet to apply (appliedThrough): no eviction reaches it. */
  private unappliedFrom = Number.POSITIVE_INFINITY;
  /** See keepEncodings(). */
  private keepsEncodings = false;
  /** The packed frame entryAt decoded last, and its entries: a handover reads the log in order. */
  private unpacked: { frame: PackedFrame; entries: readonly LogEntry[] } | null = null;
  /** See packOperations(). */
  private packing: { readonly limits: Limits; readonly chunks: ChunkedBytes } | null = null;

  constructor(
    private readonly limits: OperationLogLimits,
    startAfterSequence = 0,
  ) {
    assertSequence(startAfterSequence, 'startAfterSequence');
    this.last = startAfterSequence;
  }

  /**
   * From now on each appended operation keeps its canonical JSON while it is in the log, so that
   * frames for several JSON peers and catch-ups serialise it once. Off by default: admitting an
   * operation is a WeakMap entry per append (about a tenth of a primary's CPU per write, and the
   * collector's ephemeron work); binary peers in step share one encoded frame (DataFrames), and a
   * binary operation written again for a catch-up is cheap.
   */
  keepEncodings(): void {
    this.keepsEncodings = true;
  }

  /**
   * From now on (idempotent), while no JSON peer has made it keep encodings, each appended
   * operation with a value up to LOG_PACKED_VALUE_BYTES_MAX is kept as its binary encoding
   * (writeEntry's) in chunks, and binary frames are built by copying it (writeEntries): each
   * operation is encoded once, as before for peers in step, and the log holds no object of its own
   * per entry for the collector to copy. `limits`: what decoding an entry again checks it against.
   */
  packOperations(limits: Limits): void {
    this.packing ??= { limits, chunks: new ChunkedBytes(LOG_CHUNK_BYTES) };
  }

  /**
   * The primary's storage has applied every write through `sequence`: the log keeps the writes
   * after it whatever its bounds, and lets go of those before it that its bounds no longer allow
   * and no secondary needs (`neededFrom`, as append's).
   */
  appliedThrough(sequence: number, neededFrom: number): void {
    assertSequence(sequence, 'appliedThrough');
    assert(sequence <= this.last && sequence + 1 >= Math.min(this.unappliedFrom, this.firstSequence), 'appliedThrough outside the log, or moving back');
    assert(neededFrom >= 1, 'neededFrom must be a sequence');
    this.unappliedFrom = sequence + 1;
    this.neededFrom = neededFrom;
    this.evict();
  }

  get lastSequence(): number {
    return this.last;
  }

  /** The oldest sequence still held; lastSequence + 1 when the log is empty. */
  get firstSequence(): number {
    return this.last - this.size + 1;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  get bytes(): number {
    return this.retainedBytes;
  }

  /**
   * `neededFrom`: the oldest sequence a connected secondary still needs (Infinity for none).
   * `packed`: the received frame that holds this entry, kept instead of the entry's objects.
   */
  append(entry: LogEntry, sizeBytes: number, neededFrom = Number.POSITIVE_INFINITY, packed: PackedFrame | null = null): void {
    // The message is made only on failure: every write is appended to the primary's log and to each secondary's.
    if (entry.sequence !== this.last + 1) throw new AssertionError(`log append out of order: ${entry.sequence} after ${this.last}`);
    assert(Number.isSafeInteger(sizeBytes) && sizeBytes > 0, 'entry size must be a positive integer');
    assert(neededFrom >= 1, 'neededFrom must be a sequence');
    assert(packed === null || packed.holds(entry.sequence), 'a packed entry outside its frame');
    this.neededFrom = neededFrom;
    if (this.keepsEncodings) admitOperation(entry.op);
    const previousTotal = this.size > 0 ? (this.cumulativeBytes[this.cumulativeBytes.length - 1] ?? 0) : 0;
    this.pushSlot(entry, packed);
    this.timestamps.push(entry.timestampMs);
    this.sizes.push(sizeBytes);
    this.cumulativeBytes.push(previousTotal + sizeBytes);
    this.retainedBytes += sizeBytes;
    this.last = entry.sequence;
    this.evict();
  }

  private pushSlot(entry: LogEntry, packed: PackedFrame | null): void {
    const chunks = this.packing?.chunks;
    if (packed !== null || chunks === undefined || this.keepsEncodings || !packable(entry.op)) {
      this.entries.push(packed ?? entry);
      this.starts.push(0);
      this.ends.push(0);
      return;
    }
    chunks.write(entry, writeEntry);
    this.entries.push(chunks.lastChunk);
    this.starts.push(chunks.lastStart);
    this.ends.push(chunks.lastEnd);
  }

  /** True when every operation from `fromSequence` on can be served (from = last + 1 included). */
  covers(fromSequence: number): boolean {
    return fromSequence >= this.firstSequence && fromSequence <= this.last + 1;
  }

  entryAt(sequence: number): LogEntry {
    this.assertHeld(sequence);
    const index = this.head + sequence - this.firstSequence;
    const slot = this.entries[index];
    const entry =
      slot instanceof PackedFrame ? this.unpack(slot)[sequence - slot.firstSequence]
      : slot instanceof Uint8Array ? entryFromEncoded(slot.subarray(this.starts[index], this.ends[index]), this.packing!.limits)
      : slot;
    assert(entry !== undefined && entry.sequence === sequence, 'log index corrupt');
    return entry;
  }

  /** When the entry was written, without decoding it. */
  timestampAt(sequence: number): number {
    this.assertHeld(sequence);
    const timestampMs = this.timestamps[this.head + sequence - this.firstSequence];
    assert(timestampMs !== undefined, 'log timestamps corrupt');
    return timestampMs;
  }

  /** Whether the entry is kept as its binary encoding. */
  keepsEncoded(sequence: number): boolean {
    this.assertHeld(sequence);
    return this.entries[this.head + sequence - this.firstSequence] instanceof Uint8Array;
  }

  /**
   * Writes the `count` entries from `from` as writeEntry does: those kept encoded copied, a run
   * per chunk, the others (a large value, or written while a JSON peer made it keep encodings)
   * encoded here. Not for a log holding received frames (a secondary's).
   */
  writeEntries(from: number, count: number, out: ByteSink): void {
    this.assertHeld(from);
    this.assertHeld(from + count - 1);
    const first = this.head + from - this.firstSequence;
    let runChunk: Uint8Array | null = null;
    let runStart = 0;
    let runEnd = 0;
    for (let index = first; index < first + count; index += 1) {
      const slot = this.entries[index];
      assert(slot !== undefined && !(slot instanceof PackedFrame), 'writeEntries: a log of received frames');
      const start = this.starts[index]!;
      if (slot === runChunk && start === runEnd) {
        runEnd = this.ends[index]!;
        continue;
      }
      if (runChunk !== null) out.raw(runChunk.subarray(runStart, runEnd));
      runChunk = null;
      if (slot instanceof Uint8Array) {
        runChunk = slot;
        runStart = start;
        runEnd = this.ends[index]!;
      } else {
        writeEntry(out, slot);
      }
    }
    if (runChunk !== null) out.raw(runChunk.subarray(runStart, runEnd));
  }

  private unpack(frame: PackedFrame): readonly LogEntry[] {
    if (this.unpacked?.frame !== frame) this.unpacked = { frame, entries: frame.entries() };
    return this.unpacked.entries;
  }

  sizeAt(sequence: number): number {
    this.assertHeld(sequence);
    const size = this.sizes[this.head + sequence - this.firstSequence];
    assert(size !== undefined, 'log sizes corrupt');
    return size;
  }

  /** The message is made only on failure: a batch asks for each of its entries and their sizes, for every peer (about 30 ns a call). */
  private assertHeld(sequence: number): void {
    if (!(sequence >= this.firstSequence && sequence <= this.last)) throw new AssertionError(`sequence ${sequence} not in the log`);
  }

  /**
   * Whether an entry of `sizeBytes` can be appended without evicting one at or after `neededFrom`
   * for the backlog bound. A log holding nothing from there admits anything: one entry larger than
   * the bound goes alone, as it always did.
   */
  admits(sizeBytes: number, neededFrom: number): boolean {
    if (this.fits(sizeBytes)) return true;
    const held = neededFrom === Number.POSITIVE_INFINITY ? 0 : this.bytesAfter(neededFrom - 1);
    return held === 0 || held + sizeBytes <= this.limits.logBytesMax + this.limits.replicaBacklogBytesMax;
  }

  /** Whether an entry of `sizeBytes` can be appended without the backlog bound evicting anything: then no secondary's need is at stake. */
  fits(sizeBytes: number): boolean {
    return this.retainedBytes + sizeBytes <= this.limits.logBytesMax + this.limits.replicaBacklogBytesMax;
  }

  /** Encoded bytes of the operations after `sequence` that the log still holds. */
  bytesAfter(sequence: number): number {
    if (sequence >= this.last || this.size === 0) return 0;
    const total = this.cumulativeBytes[this.cumulativeBytes.length - 1] ?? 0;
    if (sequence < this.firstSequence) return this.retainedBytes;
    const through = this.cumulativeBytes[this.head + sequence - this.firstSequence] ?? 0;
    return total - through;
  }

  invariants(): void {
    assert(!this.abovePlainBounds() || this.firstSequence >= Math.min(this.neededFrom, this.unappliedFrom), 'log beyond its bounds holds what no secondary or storage needs');
    assert(!this.aboveBacklogBound() || this.firstSequence >= this.unappliedFrom, 'log holds more bytes than logBytesMax plus replicaBacklogBytesMax, and more than its storage has yet to apply');
    // Evicted slots are compacted away, so memory follows what is retained, not the history's length.
    assert(this.entries.length <= 2 * this.size + COMPACT_AFTER_EVICTED, 'log arrays hold too many evicted slots');
    if (this.size === 0) return;
    // Appends are checked one by one; the ends pin the index arithmetic in O(1).
    assert(this.holdsAt(this.head, this.firstSequence), 'log head does not hold firstSequence');
    assert(this.holdsAt(this.entries.length - 1, this.last), 'log tail does not hold lastSequence');
  }

  /** Whether the slot at `index` holds `sequence`: an encoded entry's is read back from its bytes. */
  private holdsAt(index: number, sequence: number): boolean {
    const slot = this.entries[index];
    if (slot instanceof PackedFrame) return slot.holds(sequence);
    if (slot instanceof Uint8Array) return sequenceOfEncoded(slot, this.starts[index]!) === sequence;
    return slot?.sequence === sequence;
  }

  private evict(): void {
    const keptFrom = Math.min(this.neededFrom, this.unappliedFrom);
    while (this.abovePlainBounds() && this.firstSequence < keptFrom) this.evictOldest();
    while (this.aboveBacklogBound() && this.firstSequence < this.unappliedFrom) this.evictOldest();
    if (this.head > COMPACT_AFTER_EVICTED && this.head * 2 > this.entries.length) this.compact();
  }

  /** The newest entry always stays, even when it alone is above logBytesMax. */
  private abovePlainBounds(): boolean {
    return this.size > this.limits.logEntriesMax || (this.size > 1 && this.retainedBytes > this.limits.logBytesMax);
  }

  private aboveBacklogBound(): boolean {
    return this.size > 1 && this.retainedBytes > this.limits.logBytesMax + this.limits.replicaBacklogBytesMax;
  }

  private evictOldest(): void {
    const evicted = this.entries[this.head];
    if (this.keepsEncodings && evicted !== undefined && !(evicted instanceof PackedFrame) && !(evicted instanceof Uint8Array)) releaseOperation(evicted.op);
    if (evicted === this.unpacked?.frame) this.unpacked = null;
    this.entries[this.head] = undefined;
    this.retainedBytes -= this.sizes[this.head] ?? 0;
    this.head += 1;
  }

  private compact(): void {
    this.entries.splice(0, this.head);
    this.starts.splice(0, this.head);
    this.ends.splice(0, this.head);
    this.timestamps.splice(0, this.head);
    this.sizes.splice(0, this.head);
    this.cumulativeBytes.splice(0, this.head);
    this.head = 0;
  }
}

function packable(op: Operation): boolean {
  return op.type !== 'SET' || op.value.length <= LOG_PACKED_VALUE_BYTES_MAX;
}
