import { RESUMABLE_SCANS_MAX } from './limits.js';

/** A scan kept between pages: its state, and the path its last page ended on. */
interface Kept<Scan> {
  readonly scan: Scan;
  readonly lastPath: string;
}

/**
 * Paged scans kept between pages, so that a full resync orders the keyspace once rather than
 * once per page (which made it quadratic in the number of keys). A page that does not finish its
 * scan keeps it under a new resumeId, which the page returns; the request for the next page
 * names it, with the path the page ended on, and takes it back. A request without one (a first
 * page), or with one dropped beyond RESUMABLE_SCANS_MAX, or one that does not continue from where
 * it ended, starts afresh from its afterPath.
 *
 * Sound for a fuzzy snapshot because each scan resumes only its own state, made after it began:
 * it holds every entry present throughout; the backend skips one removed meanwhile, and may miss
 * one created meanwhile, which the snapshot's replay covers. (An order made before a scan began
 * would miss entries that the snapshot promises: the ids are what keep two scans apart.)
 */
export class ResumableScans<Scan> {
  private readonly kept = new Map<number, Kept<Scan>>();
  private nextId = 1;

  take(request: { readonly afterPath: string | null; readonly resumeId?: number | undefined }): Scan | undefined {
    if (request.resumeId === undefined) return undefined;
    const kept = this.kept.get(request.resumeId);
    this.kept.delete(request.resumeId);
    return kept !== undefined && kept.lastPath === request.afterPath ? kept.scan : undefined;
  }

  /** Keeps `scan`, whose page ended on `lastPath`, for the next page: the resumeId to name it by. */
  keep(lastPath: string, scan: Scan): number {
    const resumeId = this.nextId++;
    this.kept.set(resumeId, { scan, lastPath });
    if (this.kept.size > RESUMABLE_SCANS_MAX) this.kept.delete(this.kept.keys().next().value as number);
    return resumeId;
  }

  /** The keyspace changed behind the scans' backs (replaced wholesale): none may resume. */
  clear(): void {
    this.kept.clear();
  }
}
