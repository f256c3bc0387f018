import type { OperationSpec } from '../../../sim/scenario.js';

/** An entry as a reader sees it. */
export interface ModelEntry {
  readonly value: string;
  readonly db: string;
  readonly namespace: string;
  readonly tags: readonly string[];
  readonly expiresAtMs: number | null;
}

/**
 * What the primary's store must hold, as a plain Map written from the operations' specification,
 * not from the code under test: expiry removes an entry at its expiry time.
 */
export class PrimaryModel {
  private readonly entries = new Map<string, ModelEntry>();

  apply(spec: OperationSpec, nowMs: number): void {
    this.expire(nowMs);
    const expiresAt = (inMs: number | null): number | null => (inMs === null ? null : nowMs + inMs);
    switch (spec.type) {
      case 'SET':
        this.entries.set(spec.path, { value: spec.value, db: spec.db, namespace: spec.namespace, tags: spec.tags, expiresAtMs: expiresAt(spec.expiresInMs) });
        return;
      case 'DELETE':
        this.entries.delete(spec.path);
        return;
      case 'SET_TTL':
        this.update(spec.path, { expiresAtMs: expiresAt(spec.expiresInMs) });
        return;
      case 'METADATA':
        this.update(spec.path, { tags: spec.tags });
        return;
      case 'FLUSH':
        for (const [path, entry] of this.entries) {
          if ((spec.db === null || entry.db === spec.db) && (spec.namespace === null || entry.namespace === spec.namespace)) this.entries.delete(path);
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
