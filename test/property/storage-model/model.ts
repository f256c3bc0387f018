/**
 * A storage backend as a plain map: the operations' documented meaning is the simulator's oracle
 * (sim/oracle.ts, not Keyspace), the rest is the contract of src/storage/backend.ts.
 * Storage keeps no clock: an entry past its expiry is still stored (only the primary expires).
 */
import { operationWireBytesMax } from '../../../src/core/codec/index.js';
import type { Entry, ScanPage, ScanRequest } from '../../../src/core/keyspace.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import type { OracleState } from '../../../sim/oracle.js';

export type Area = OracleState;

export class StorageModel {
  live: Area = new Map();
  /** Between stageBegin and stageCommit; a restart drops it. */
  staged: Area | null = null;
  cursor: Cursor | null = null;
  /** Where generated expiries are counted from: the run's start on the wall clock. */
  readonly startMs = Date.now();
  private sequence = 0;
  private histories = 0;

  nextCursor(): Cursor {
    this.sequence += 1;
    return { replicationId: `history-${this.histories}`, sequence: this.sequence };
  }

  /** A full resync brings a new history. */
  nextHistoryCursor(): Cursor {
    this.histories += 1;
    return this.nextCursor();
  }

  commit(cursor: Cursor): void {
    if (this.staged === null) throw new Error('the model commits only after stageBegin');
    this.live = this.staged;
    this.staged = null;
    this.cursor = cursor;
  }
}

/** The page a backend must answer, in the backend's path order. */
export function pageOf(area: Area, request: ScanRequest, comparePaths: (a: string, b: string) => number): ScanPage {
  const after = request.afterPath;
  const rest = [...area.values()]
    .filter((entry) => after === null || comparePaths(entry.path, after) > 0)
    .sort((a, b) => comparePaths(a.path, b.path));
  const entries: Entry[] = [];
  let bytes = 0;
  for (const entry of rest) {
    const size = operationWireBytesMax(entry);
    const full = entries.length >= request.entriesMax || bytes + size > request.bytesMax;
    if (entries.length > 0 && full) break;
    entries.push(entry);
    bytes += size;
  }
  return { entries, done: entries.length === rest.length };
}

export function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function listOf(area: Area, prefix: string): string[] {
  return [...area.keys()].filter((path) => path.startsWith(prefix)).sort(byCodeUnits);
}

/** The first `pathsMax` of `paths` (all when undefined) in `order`, answered in code-unit order. */
export function firstOf(paths: readonly string[], pathsMax: number | undefined, order: (a: string, b: string) => number): string[] {
  if (pathsMax === undefined) return [...paths];
  return [...paths].sort(order).slice(0, pathsMax).sort(byCodeUnits);
}

export function listTaggedOf(area: Area, tag: string): string[] {
  return [...area.values()].filter((entry) => entry.tags.includes(tag)).map((entry) => entry.path).sort(byCodeUnits);
}
