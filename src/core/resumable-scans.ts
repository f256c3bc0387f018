import { RESUMABLE_SCANS_MAX } from './limits.js';

/**
 * Paged scans kept between pages, so that a full resync orders the keyspace once rather than
 * once per page (which made it quadratic in the number of keys). A page ending on path P leaves
 * its scan here under P; the request for the page after P takes it back. A request that finds
 * none (the first page, or a scan dropped beyond RESUMABLE_SCANS_MAX) starts a new one.
 *
 * Sound for a fuzzy snapshot: a scan's order is made after the scan began, so it holds every
 * entry present throughout; the backend skips one removed meanwhile, and may miss one created
 * meanwhile, which the snapshot's replay covers. Two scans that reach the same path may swap
 * orders, for the same reason.
 */
export class ResumableScans<Scan> {
  /** Keyed by the path a page ended on: the `afterPath` of the page that follows it. */
  private readonly waiting = new Map<string, Scan[]>();
  private waitingCount = 0;

  take(afterPath: string | null): Scan | undefined {
    if (afterPath === null) return undefined;
    const scans = this.waiting.get(afterPath);
    const scan = scans?.pop();
    if (scan === undefined) return undefined;
    if (scans?.length === 0) this.waiting.delete(afterPath);
    this.waitingCount -= 1;
    return scan;
  }

  keep(lastPath: string, scan: Scan): void {
    const scans = this.waiting.get(lastPath) ?? [];
    scans.push(scan);
    this.waiting.set(lastPath, scans);
    this.waitingCount += 1;
    if (this.waitingCount > RESUMABLE_SCANS_MAX) this.dropOldest();
  }

  /** The keyspace changed behind the scans' backs (replaced wholesale): none may resume. */
  clear(): void {
    this.waiting.clear();
    this.waitingCount = 0;
  }

  private dropOldest(): void {
    const [path, scans] = this.waiting.entries().next().value as [string, Scan[]];
    scans.shift();
    if (scans.length === 0) this.waiting.delete(path);
    this.waitingCount -= 1;
  }
}
