import type { WriteStep } from '../../../sim/scenario.js';

/** An entry as a reader sees it. */
export interface ModelEntry {
  readonly value: string;
  readonly key: string;
  readonly db: string;
  readonly namespace: string;
  readonly tags: readonly string[];
  readonly expiresAtMs: number | null;
}

const MS_PER_SECOND = 1000;
/** A scenario's write step without a context runs under a node's context before any setContext. */
const DOCUMENTED_DEFAULT_CONTEXT = { db: 'default', namespace: 'default' };

/**
 * What the primary's store must hold, as a plain Map written from the API's documentation, not
 * from the code under test: a TTL is seconds from the write, the key defaults to the path, the
 * db and namespace are the context's, and expiry removes an entry at its expiry time.
 */
export class PrimaryModel {
  private readonly entries = new Map<string, ModelEntry>();

  apply({ call, context = DOCUMENTED_DEFAULT_CONTEXT }: WriteStep, nowMs: number): void {
    this.expire(nowMs);
    // The arbitraries' TTLs are quarter seconds: whole milliseconds, nothing to round.
    const expiresAt = (ttl: number | null | undefined): number | null => (ttl === undefined || ttl === null ? null : nowMs + ttl * MS_PER_SECOND);
    switch (call.method) {
      case 'writeWithReplication': {
        const { relativePath: path, data: value, key = path, tags = [] } = call;
        this.entries.set(path, { value, key, db: context.db, namespace: context.namespace, tags, expiresAtMs: expiresAt(call.ttl) });
        return;
      }
      case 'deleteWithReplication':
        this.entries.delete(call.relativePath);
        return;
      case 'setTtl':
        this.update(call.path, { expiresAtMs: expiresAt(call.ttl) });
        return;
      case 'setTags':
        this.update(call.path, { tags: call.tags });
        return;
      case 'flush':
        for (const [path, entry] of this.entries) {
          if ((call.db === null || entry.db === call.db) && (call.namespace === null || entry.namespace === call.namespace)) this.entries.delete(path);
        }
        return;
    }
  }

  /** Path and entry of every entry alive at `nowMs`, by path. */
  visible(nowMs: number): [string, ModelEntry][] {
    this.expire(nowMs);
    return [...this.entries].sort(([a], [b]) => (a < b ? -1 : 1));
  }

  /** When the last entry still alive expires, if any does. */
  latestExpiryMs(): number | undefined {
    const expiries = [...this.entries.values()].flatMap((entry) => (entry.expiresAtMs === null ? [] : [entry.expiresAtMs]));
    return expiries.length === 0 ? undefined : Math.max(...expiries);
  }

  private update(path: string, change: Partial<ModelEntry>): void {
    const entry = this.entries.get(path);
    if (entry !== undefined) this.entries.set(path, { ...entry, ...change });
  }

  private expire(nowMs: number): void {
    for (const [path, entry] of this.entries) {
      if (entry.expiresAtMs !== null && entry.expiresAtMs <= nowMs) this.entries.delete(path);
    }
  }
}
