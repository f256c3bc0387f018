import { assert } from './assert.js';
import { ChangeJournal } from './change-journal.js';
import { operationWireBytesMax } from './codec/index.js';
import { loadEntry, peekEntry, SharedNames, storedScope, storedTags, storeEntry, type StoredEntry } from './compact-entry.js';
import type { Operation, SetOperation } from './operation.js';
import { PathTable } from './path-table.js';
import { ResumableScans } from './resumable-scans.js';
import { ValueArena } from './value-arena.js';

/** An entry is the full record a SET writes: value and metadata together. */
export type Entry = SetOperation;

export interface ScanPage {
  readonly entries: readonly Entry[];
  /** True when no entry sorts after the last one returned. */
  readonly done: boolean;
  /** For the next page's request, from a backend that keeps a scan between pages (ResumableScans). */
  readonly resumeId?: number;
}

export interface ScanRequest {
  /** Entries strictly after this path (code-unit order), or from the start when null. */
  readonly afterPath: string | null;
  /** The previous page's resumeId, when it gave one: the scan this page continues. */
  readonly resumeId?: number | undefined;
  readonly entriesMax: number;
  /**
   * Bound on the page's wire size (operationWireBytesMax of each entry). A page holds at least one
   * entry, so an entry larger than this still travels, alone.
   */
  readonly bytesMax: number;
}

/** The paths of a keyspace sorted when a scan started, and where its next page begins. */
interface ScanOrder {
  readonly paths: readonly string[];
  next: number;
}

/** Hidden on reads once its expiry has passed; only the primary deletes it (and replicates that). */
export function isExpired(entry: { readonly expiresAtMs: number | null }, nowMs: number): boolean {
  return entry.expiresAtMs !== null && entry.expiresAtMs <= nowMs;
}

/**
 * A keyspace in memory: the semantics of every operation, in one place. It holds entries compact
 * (compact-entry.ts), the small values of plain ones in a ValueArena, and hands out each as a new Entry.
 */
export class Keyspace {
  private readonly entries = new PathTable<StoredEntry>();
  private readonly names = new SharedNames();
  private arena = new ValueArena();
  private readonly scans = new ResumableScans<ScanOrder>();
  private journal: ChangeJournal | null = null;

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of the chunks holding its plain entries' small values, live or dead: what they cost outside the heap. */
  get valueChunkBytes(): number {
    return this.arena.chunkBytes;
  }

  /** The entry, with bytes of its own that its reader may change. */
  get(path: string): Entry | undefined {
    const stored = this.entries.get(path);
    return stored === undefined ? undefined : loadEntry(path, stored, this.arena);
  }

  /** The entry, a large value's bytes being the keyspace's own: for a reader that only looks (peekEntry). */
  peek(path: string): Entry | undefined {
    const stored = this.entries.get(path);
    return stored === undefined ? undefined : peekEntry(path, stored, this.arena);
  }

  paths(): IterableIterator<string> {
    return this.entries.keys();
  }

  *values(): IterableIterator<Entry> {
    for (const [path, stored] of this.entries) yield loadEntry(path, stored, this.arena);
  }

  /**
   * Every entry, each as it is when the iteration reaches it, for a reader that only encodes them
   * (peekEntry) and may change the keyspace between two steps: an entry present throughout is
   * reached once; one removed before it is reached is not; one set meanwhile may be reached,
   * before or after the change, or twice when it was removed and set again. A background rewrite
   * reads the live keyspace so, instead of copying it whole between two applies.
   */
  *entriesAsReached(): IterableIterator<Entry> {
    for (const path of this.entries.keys()) {
      const entry = this.peek(path);
      if (entry !== undefined) yield entry;
    }
  }

  /** The paths of the entries holding `tag`, in no order, without loading a value. */
  *pathsTagged(tag: string): IterableIterator<string> {
    for (const [path, stored] of this.entries) if (storedTags(stored).includes(tag)) yield path;
  }

  /** Starts (or goes on) recording which paths change; a keyspace nobody journals records nothing. */
  journalChanges(): ChangeJournal {
    this.journal ??= new ChangeJournal();
    return this.journal;
  }

  apply(op: Operation): void {
    switch (op.type) {
      case 'SET':
        this.put(op.path, storeEntry(op, this.names, this.arena));
        return;
      case 'DELETE':
        this.remove(op.path);
        return;
      case 'SET_TTL':
        this.update(op.path, (entry) => ({ ...entry, expiresAtMs: op.expiresAtMs }));
        return;
      case 'METADATA':
        this.update(op.path, (entry) => ({ ...entry, tags: op.tags }));
        return;
      case 'FLUSH':
        for (const [path, entry] of this.entries) {
          if (matchesFlush(storedScope(entry), op.db, op.namespace)) this.remove(path);
        }
        return;
    }
  }

  clear(): void {
    this.entries.clear();
    this.arena = new ValueArena();
    this.scans.clear();
    this.journal?.noteAll();
  }

  /** An independent copy (entries are immutable, so sharing them is safe). */
  clone(): Keyspace {
    const copy = new Keyspace();
    for (const [path, entry] of this.entries) copy.entries.put(path, entry);
    copy.arena = this.arena.clone();
    return copy;
  }

  /**
   * Ordered by path, so a scan resumed after any path neither repeats nor skips an entry present
   * throughout. O(page) per resumed page: the sort is made once per scan (ResumableScans).
   */
  scan(request: ScanRequest): ScanPage {
    assert(request.entriesMax > 0 && request.bytesMax > 0, 'scan limits must be positive');
    const order = this.scans.take(request) ?? this.orderAfter(request.afterPath);
    const entries: Entry[] = [];
    let bytes = 0;
    for (; order.next < order.paths.length; order.next += 1) {
      // Read-only (contract 11): a full resync encodes each entry at once, and a copy of every large value would be one more for it.
      const entry = this.peek(order.paths[order.next] as string);
      if (entry === undefined) continue; // removed since the order was made
      const size = operationWireBytesMax(entry);
      // A page ends only at an entry present now: the next page starts with it.
      if (entries.length > 0 && (entries.length >= request.entriesMax || bytes + size > request.bytesMax)) break;
      entries.push(entry);
      bytes += size;
    }
    const last = entries[entries.length - 1];
    if (order.next === order.paths.length || last === undefined) return { entries, done: true };
    return { entries, done: false, resumeId: this.scans.keep(last.path, order) };
  }

  private orderAfter(afterPath: string | null): ScanOrder {
    const paths = [...this.entries.keys()].filter((path) => afterPath === null || path > afterPath).sort(compareCodeUnits);
    return { paths, next: 0 };
  }

  private update(path: string, change: (entry: Entry) => Entry): void {
    const entry = this.get(path);
    if (entry !== undefined) this.put(path, storeEntry(change(entry), this.names, this.arena));
  }

  private put(path: string, stored: StoredEntry): void {
    const previous = this.entries.put(path, stored);
    this.released(path, previous);
    this.journal?.note(path);
  }

  private remove(path: string): void {
    const previous = this.entries.take(path);
    this.released(path, previous);
    this.journal?.note(path);
  }

  /** An entry's value left the arena (or one came in, sealing a chunk): a chunk left sparse has its live values moved. */
  private released(path: string, stored: StoredEntry | undefined): void {
    if (typeof stored === 'number') this.arena.release(path, stored);
    for (let slot = this.arena.takeSparse(); slot !== null; slot = this.arena.takeSparse()) {
      this.arena.relocate(slot, (path, location) => this.entries.get(path) === location, (path, location) => this.entries.put(path, location));
    }
  }
}

export function matchesFlush(entry: { readonly db: string; readonly namespace: string }, db: string | null, namespace: string | null): boolean {
  return (db === null || entry.db === db) && (namespace === null || entry.namespace === namespace);
}

export function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
