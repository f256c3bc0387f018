/**
 * The start-up scan: page after page from where the last one ended, indexing the expiring
 * entries (and only those, up to expiringKeysMax), and writes only once the last page is in.
 */
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../../../src/core/keyspace.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { drain, ofKind, random, T0 } from '../../../support/machine.js';

/** Serves the start-up scan page by page; returns the scan requests it saw. */
function load(primary: Primary, pages: Entry[][]): unknown[] {
  const requests: unknown[] = [];
  pages.forEach((entries, index) => {
    const [scan] = ofKind(drain(primary), 'storage');
    requests.push(scan?.request);
    expect(primary.isReady).toBe(false);
    primary.handleStorageDone(scan?.requestId ?? 0, { kind: 'scanned', entries, done: index === pages.length - 1, resumeId: 100 + index }, T0);
  });
  return requests;
}

describe("a primary's start-up scan", () => {
  it('resumes each page after the last path of the one before, and is ready after the last', () => {
    const primary = new Primary({ nowMs: T0, random: random(), limits: { snapshotChunkEntriesMax: 2 } });
    const requests = load(primary, [[set('a', '1'), set('b', '1', { expiresAtMs: T0 + 900 })], [set('c', '1', { expiresAtMs: T0 + 500 })], []]);
    expect(requests).toMatchObject([
      { kind: 'scan', afterPath: null, entriesMax: 2 },
      { kind: 'scan', afterPath: 'b', resumeId: 100 },
      { kind: 'scan', afterPath: 'c', resumeId: 101 },
    ]);
    expect(primary.isReady).toBe(true);
    expect(primary.nextWakeMs()).toBe(T0 + 500);
  });

  it('indexes only the entries that expire', () => {
    const primary = new Primary({ nowMs: T0, random: random() });
    load(primary, [[set('a', '1')]]);
    expect(primary.nextWakeMs()).toBeUndefined();
  });

  it('indexes no more than expiringKeysMax of them', () => {
    const primary = new Primary({ nowMs: T0, random: random(), limits: { expiringKeysMax: 1 } });
    load(primary, [[set('a', '1', { expiresAtMs: T0 + 900 }), set('b', '1', { expiresAtMs: T0 + 500 })]]);
    expect(primary.nextWakeMs()).toBe(T0 + 900);
    primary.invariants();
  });
});
