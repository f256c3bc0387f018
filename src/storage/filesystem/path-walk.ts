import type { EntryMetadata } from '../backend.js';

interface Probing<M extends EntryMetadata> {
  readonly path: string;
  readonly metadata: Promise<M | undefined>;
}

/**
 * One scan's walk of the tree, kept between pages (ResumableScans) so that a page costs what it
 * reads and not a listing of every directory before it. Paths come from the walk as it lists
 * directories; each is probed as the entries reach it, a scan's up to PROBES_AHEAD_MAX paths ahead
 * of the one they yield (one at a time, a page waited on every file's round trips), so an entry
 * removed since a previous page is skipped and one changed since is read as it is now.
 */
export class PathWalk {
  /** Paths taken from the walk and not yet yielded, in order: the next entries start with them. */
  private readonly unread: string[] = [];
  private lastPath: string | undefined;

  constructor(private readonly paths: AsyncIterator<string>) {}

  /**
   * The entries from here on, probing up to `aheadMax` paths at once. Leaving early leaves the
   * walk open (only this generator ends): the paths probed ahead go back, to be probed again by
   * the next entries.
   */
  async *entries<M extends EntryMetadata>(probe: (path: string) => Promise<M | undefined>, aheadMax = 1): AsyncGenerator<M> {
    const ahead: Probing<M>[] = [];
    try {
      for (;;) {
        await this.probeAhead(ahead, probe, aheadMax);
        const next = ahead.shift();
        if (next === undefined) return;
        const metadata = await next.metadata;
        this.lastPath = next.path;
        if (metadata !== undefined) yield metadata;
      }
    } finally {
      for (const { metadata } of ahead) metadata.catch(() => undefined);
      this.unread.unshift(...ahead.map(({ path }) => path));
    }
  }

  /** The page stopped on the last entry yielded without returning it: the next page starts there. */
  unreadLast(): void {
    if (this.lastPath !== undefined) this.unread.unshift(this.lastPath);
    this.lastPath = undefined;
  }

  private async probeAhead<M extends EntryMetadata>(ahead: Probing<M>[], probe: (path: string) => Promise<M | undefined>, aheadMax: number): Promise<void> {
    while (ahead.length < aheadMax) {
      const path = this.unread.shift() ?? (await this.paths.next()).value;
      if (path === undefined) return;
      ahead.push({ path, metadata: probe(path) });
    }
  }
}
