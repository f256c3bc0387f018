import type { ApiCall, StorageContext } from '../../src/core/api-operations.js';

/** The known workload: write i puts `valueOf(i)` at `pathOf(i)`, so any node can be checked against the acknowledgements alone. */
export const VALUE_BYTES = 256;

export function pathOf(index: number): string {
  return `chaos/${String(index).padStart(6, '0')}`;
}

export function valueOf(index: number): string {
  return `write ${index} `.padEnd(VALUE_BYTES, '.');
}

/** What every node's storage must hold at the end because of one acknowledged write: a value, or nothing (null). */
export interface ExpectedEntry {
  /** The write, in words, for the problem a miss makes. */
  readonly label: string;
  readonly path: string;
  readonly value: string | null;
}

/** The known workload's expectations: each acknowledged write's value at its path. */
export function workloadEntries(acked: ReadonlySet<number>): ExpectedEntry[] {
  return [...acked].map((index) => ({ label: `acknowledged write ${index}`, path: pathOf(index), value: valueOf(index) }));
}

/**
 * What the runner sends a primary on stdin, one JSON object a line: a write of the user's API
 * (a simulator scenario's step), made under `context`, or the end of the writes (`done` follows
 * once every write sent has settled).
 */
export type WorkloadCommand = { readonly write: number; readonly call: ApiCall<string>; readonly context: StorageContext } | { readonly done: true };

/**
 * What a node process prints, one JSON object a line. A write the library refused (a
 * ReplicationError: a limit, a bad operation) is `refused`, as the simulator counts it; any other
 * error is `failed`.
 */
export type NodeEvent =
  | { readonly event: 'ready' }
  | { readonly event: 'acked'; readonly index: number }
  | { readonly event: 'refused'; readonly index: number; readonly error: string }
  | { readonly event: 'failed'; readonly index: number; readonly error: string }
  | { readonly event: 'done' };
