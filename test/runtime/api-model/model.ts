/**
 * NetworkSyncBackend's API as a plain model, written from its documentation (README,
 * "NetworkSyncBackend"), not from the code: a write stores the whole entry under the context's db
 * and namespace, with the path as its key unless one is given; a TTL is seconds from the call;
 * setTtl and setTags change an existing entry only; flush deletes what matches; a read hides an
 * entry from the moment it expires.
 *
 * The model knows the wall clock only around a call (before it, and after it resolved), so it
 * knows each expiry as an interval. Where an expiry may fall within a read, the model does not
 * say what the read sees; where it may fall within a write that changes the entry, the model no
 * longer knows whether the entry exists (the primary deletes it, before the write, once due).
 */
import type { ApiCall, StorageContext } from '../../../src/core/api-operations.js';

/**
 * Widens every expiry interval by this much on each side: the clock is read to the ms, the
 * translation rounds to the ms, and the wall clock may be stepped a little. Expiries within it of
 * a read are not asserted by that read.
 */
export const EXPIRY_MARGIN_MS = 25;
const MS_PER_SECOND = 1000;
const utf8 = new TextEncoder();

/** Wall-clock ms at the start and at the end of something: a call, or a read. */
export interface Span {
  readonly startMs: number;
  readonly endMs: number;
}

export interface ModelEntry {
  readonly value: Uint8Array;
  readonly key: string;
  readonly db: string;
  readonly namespace: string;
  readonly tags: readonly string[];
  /** When it expires, to within this span (margin included); null never. */
  readonly expiry: Span | null;
  /** A write changed it while it may have been expiring: it may as well be gone. */
  readonly mayBeGone: boolean;
}

/** What a read of a path must see: nothing (never written or gone, or expired), the entry, or unknown (an expiry too close to call). */
export type Visible =
  | { readonly kind: 'absent' | 'expired' | 'unknown' }
  | { readonly kind: 'present'; readonly entry: ModelEntry };

type Liveness = 'live' | 'expired' | 'unsure';

/** The documented context of a node before any setContext. */
const INITIAL_CONTEXT: StorageContext = { db: 'default', namespace: 'default' };

export class ApiModel {
  context: StorageContext = INITIAL_CONTEXT;
  private readonly entries = new Map<string, ModelEntry>();
  /** Paths whose entry the primary deleted when it expired, until a write names them again. */
  private readonly expiredPaths = new Set<string>();
  private readonly named = new Set<string>();

  /** A write call the primary took during `span`. */
  apply(call: ApiCall, span: Span): void {
    this.expire(span);
    if ('relativePath' in call) this.expiredPaths.delete(call.relativePath);
    switch (call.method) {
      case 'writeWithReplication': {
        const { relativePath: path, data, key = path, tags = [] } = call;
        const value = typeof data === 'string' ? utf8.encode(data) : Uint8Array.from(data);
        this.entries.set(path, { value, key, ...this.context, tags: [...tags], expiry: expiryOf(call.ttl, span), mayBeGone: false });
        this.named.add(path);
        return;
      }
      case 'deleteWithReplication':
        this.entries.delete(call.relativePath);
        return;
      case 'setTtl':
        this.update(call.path, span, { expiry: expiryOf(call.ttl, span) });
        return;
      case 'setTags':
        this.update(call.path, span, { tags: [...call.tags] });
        return;
      case 'flush':
        for (const [path, entry] of this.entries) {
          if ((call.db === null || entry.db === call.db) && (call.namespace === null || entry.namespace === call.namespace)) this.entries.delete(path);
        }
        return;
    }
  }

  /** What a read of `path` made during `span` sees. */
  visible(path: string, span: Span): Visible {
    const entry = this.entries.get(path);
    if (entry === undefined) return { kind: this.expiredPaths.has(path) ? 'expired' : 'absent' };
    const liveness = livenessAt(entry.expiry, span);
    if (liveness === 'expired') return { kind: 'expired' };
    return liveness === 'unsure' || entry.mayBeGone ? { kind: 'unknown' } : { kind: 'present', entry };
  }

  /** When the last entry to expire before `horizonMs` is surely expired, if one does. */
  lastExpiryBeforeMs(horizonMs: number): number | undefined {
    const ends = [...this.entries.values()].flatMap(({ expiry }) => (expiry !== null && expiry.endMs <= horizonMs ? [expiry.endMs] : []));
    return ends.length === 0 ? undefined : Math.max(...ends);
  }

  /** Every path a write has named, for a final read of each. */
  paths(): string[] {
    return [...this.named];
  }

  /** What the primary deletes before a write: every entry surely due. */
  private expire(span: Span): void {
    for (const [path, entry] of this.entries) {
      if (livenessAt(entry.expiry, span) !== 'expired') continue;
      this.entries.delete(path);
      this.expiredPaths.add(path);
    }
  }

  private update(path: string, span: Span, change: Partial<ModelEntry>): void {
    const entry = this.entries.get(path);
    if (entry === undefined) return;
    const mayBeGone = entry.mayBeGone || livenessAt(entry.expiry, span) === 'unsure';
    this.entries.set(path, { ...entry, ...change, mayBeGone });
  }
}

function expiryOf(ttl: number | null | undefined, span: Span): Span | null {
  if (ttl === undefined || ttl === null) return null;
  const ttlMs = ttl * MS_PER_SECOND;
  return { startMs: span.startMs + ttlMs - EXPIRY_MARGIN_MS, endMs: span.endMs + ttlMs + EXPIRY_MARGIN_MS };
}

/** An entry is hidden from the moment its expiry is due (expiresAtMs <= now). */
function livenessAt(expiry: Span | null, span: Span): Liveness {
  if (expiry === null || expiry.startMs > span.endMs) return 'live';
  return expiry.endMs <= span.startMs ? 'expired' : 'unsure';
}
