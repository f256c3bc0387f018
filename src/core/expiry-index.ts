import { assert } from './assert.js';
import { matchesFlush } from './keyspace.js';
import { MinHeap } from './min-heap.js';
import type { Operation } from './operation.js';

interface HeapItem {
  readonly expiresAtMs: number;
  readonly path: string;
}

interface Expiring {
  readonly expiresAtMs: number;
  /** null when unknown (an expiry set by SET_TTL on an entry the index did not hold). */
  readonly db: string | null;
  readonly namespace: string | null;
}

/**
 * The primary's index of entries with an expiry, kept in history order, so the primary can delete
 * them when they expire and replicate each deletion. A min-heap with lazy removal finds the next.
 */
export class ExpiryIndex {
  private readonly byPath = new Map<string, Expiring>();
  private readonly heap = new MinHeap<HeapItem>(less);

  constructor(private readonly entriesMax: number) {}

  get size(): number {
    return this.byPath.size;
  }

  /** Whether applying `op` would take the index past its limit. */
  wouldOverflow(op: Operation): boolean {
    return (op.type === 'SET' || op.type === 'SET_TTL') && op.expiresAtMs !== null && !this.byPath.has(op.path) && this.byPath.size >= this.entriesMax;
  }

  /** Follows the history: call for each operation in sequence order. */
  observe(op: Operation): void {
    this.apply(op);
    this.boundHeap();
  }

  private apply(op: Operation): void {
    switch (op.type) {
      case 'SET':
        if (op.expiresAtMs === null) this.byPath.delete(op.path);
        else this.set(op.path, { expiresAtMs: op.expiresAtMs, db: op.db, namespace: op.namespace });
        return;
      case 'DELETE':
        this.byPath.delete(op.path);
        return;
      case 'SET_TTL':
        this.observeTtl(op.path, op.expiresAtMs);
        return;
      case 'FLUSH':
        for (const [path, expiring] of this.byPath) {
          if (flushRemoves(expiring, op.db, op.namespace)) this.byPath.delete(path);
        }
        return;
      case 'METADATA':
        return;
    }
  }

  /** Loads an entry found in storage at start-up. */
  load(path: string, expiring: Expiring): void {
    this.set(path, expiring);
    this.boundHeap();
  }

  /** The earliest expiry, after dropping heap items that no longer match the index. */
  nextExpiryMs(): number | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined) return undefined;
      if (this.byPath.get(top.path)?.expiresAtMs === top.expiresAtMs) return top.expiresAtMs;
      this.heap.pop();
    }
  }

  /** Removes and returns a path whose expiry is at or before nowMs. */
  takeExpired(nowMs: number): string | undefined {
    const nextMs = this.nextExpiryMs();
    if (nextMs === undefined || nextMs > nowMs) return undefined;
    const top = this.heap.pop();
    assert(top !== undefined, 'expiry heap empty after a peek');
    this.byPath.delete(top.path);
    this.boundHeap();
    return top.path;
  }

  invariants(): void {
    assert(this.byPath.size <= this.entriesMax, 'expiry index above expiringKeysMax');
    // Stale heap items are dropped lazily; their number stays bounded by a rebuild.
    assert(this.heap.size <= 2 * this.byPath.size + 1024, 'expiry heap holds too many stale items');
  }

  private observeTtl(path: string, expiresAtMs: number | null): void {
    const current = this.byPath.get(path);
    if (expiresAtMs === null) this.byPath.delete(path);
    // The index only knows entries that already expire; on any other one SET_TTL does not tell the
    // db and namespace. A FLUSH then keeps it indexed: at worst its expiry DELETE finds nothing.
    else this.set(path, { expiresAtMs, db: current?.db ?? null, namespace: current?.namespace ?? null });
  }

  private set(path: string, expiring: Expiring): void {
    this.byPath.set(path, expiring);
    this.heap.push({ expiresAtMs: expiring.expiresAtMs, path });
  }

  /** Stale heap items are dropped lazily; a rebuild keeps their number in proportion. */
  private boundHeap(): void {
    if (this.heap.size > 2 * this.byPath.size + 1024) this.rebuildHeap();
  }

  private rebuildHeap(): void {
    this.heap.clear();
    for (const [path, expiring] of this.byPath) this.heap.push({ expiresAtMs: expiring.expiresAtMs, path });
  }
}

function flushRemoves(expiring: Expiring, db: string | null, namespace: string | null): boolean {
  if ((db !== null && expiring.db === null) || (namespace !== null && expiring.namespace === null)) return false;
  return matchesFlush({ db: expiring.db ?? '', namespace: expiring.namespace ?? '' }, db, namespace);
}

function less(a: HeapItem, b: HeapItem): boolean {
  return a.expiresAtMs < b.expiresAtMs || (a.expiresAtMs === b.expiresAtMs && a.path < b.path);
}
