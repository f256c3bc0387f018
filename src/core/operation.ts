/**
 * Replicated operations. Every operation is absolute (it sets a state, it never adjusts one), so
 * applying a suffix of the history twice gives the same state as applying it once: this is what
 * lets a fuzzy snapshot plus the log replayed over it converge to an exact state.
 */
export type OperationType = 'SET' | 'DELETE' | 'SET_TTL' | 'FLUSH' | 'METADATA';

export interface SetOperation {
  readonly type: 'SET';
  /** The storage path: the identity of an entry, the same on every node. */
  readonly path: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly db: string;
  readonly namespace: string;
  readonly tags: readonly string[];
  /** Absolute expiry on the primary's clock, in Unix milliseconds; null never expires. */
  readonly expiresAtMs: number | null;
}

export interface DeleteOperation {
  readonly type: 'DELETE';
  readonly path: string;
}

/** Sets (or with null, clears) the expiry of an existing entry; no effect on a missing one. */
export interface SetTtlOperation {
  readonly type: 'SET_TTL';
  readonly path: string;
  readonly expiresAtMs: number | null;
}

/** Deletes every entry of a db (null: every db) and namespace (null: every namespace). */
export interface FlushOperation {
  readonly type: 'FLUSH';
  readonly db: string | null;
  readonly namespace: string | null;
}

/** Replaces the tags of an existing entry; no effect on a missing one. */
export interface MetadataOperation {
  readonly type: 'METADATA';
  readonly path: string;
  readonly tags: readonly string[];
}

export type Operation = SetOperation | DeleteOperation | SetTtlOperation | FlushOperation | MetadataOperation;

/** One operation of a history, as the primary's log holds it and data frames carry it. */
export interface LogEntry {
  /** 1 for the first operation of a history; consecutive; data only (heartbeats take none). */
  readonly sequence: number;
  /** When the primary accepted it, in Unix milliseconds on the primary's clock. */
  readonly timestampMs: number;
  readonly op: Operation;
}

/** The tags of an operation that has none: one frozen list, not one per operation. */
export const NO_TAGS: readonly string[] = Object.freeze([]);

export const OPERATION_TYPES: readonly OperationType[] = ['SET', 'DELETE', 'SET_TTL', 'FLUSH', 'METADATA'];
