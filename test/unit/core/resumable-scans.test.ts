/**
 * A kept scan resumes only the page that continues it: named by its resumeId, from the path its
 * last page ended on, once. Anything else starts afresh, so that a resumed scan never skips or
 * repeats an entry; and only the latest RESUMABLE_SCANS_MAX are kept.
 */
import { describe, expect, it } from 'vitest';
import { RESUMABLE_SCANS_MAX } from '../../../src/core/limits.js';
import { ResumableScans } from '../../../src/core/resumable-scans.js';

describe('ResumableScans', () => {
  it('resumes a kept scan once, from the path its page ended on', () => {
    const scans = new ResumableScans<string>();
    const id = scans.keep('b', 'scan after b');
    expect(scans.take({ afterPath: 'b', resumeId: id })).toBe('scan after b');
    expect(scans.take({ afterPath: 'b', resumeId: id })).toBeUndefined();
  });

  it('starts afresh for a first page, or a page that does not continue where the kept one ended', () => {
    const scans = new ResumableScans<string>();
    const id = scans.keep('b', 'scan after b');
    expect(scans.take({ afterPath: 'b' })).toBeUndefined();
    expect(scans.take({ afterPath: 'c', resumeId: id })).toBeUndefined();
    expect(scans.take({ afterPath: 'b', resumeId: id })).toBeUndefined(); // the mismatch consumed it
  });

  it('keeps only the latest RESUMABLE_SCANS_MAX scans, and none after clear', () => {
    const scans = new ResumableScans<number>();
    const ids = Array.from({ length: RESUMABLE_SCANS_MAX + 1 }, (_, index) => scans.keep('p', index));
    expect(new Set(ids).size).toBe(ids.length);
    expect(scans.take({ afterPath: 'p', resumeId: ids[0] })).toBeUndefined();
    expect(scans.take({ afterPath: 'p', resumeId: ids[1] })).toBe(1);
    scans.clear();
    expect(scans.take({ afterPath: 'p', resumeId: ids.at(-1) })).toBeUndefined();
  });
});
