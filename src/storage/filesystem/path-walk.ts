import type { EntryMetadata } from '../backend.js';

/**
 * One scan's walk of the tree, kept between pages (ResumableScans) so that a page costs what it
 * reads and not a listing of every directory before it. Paths come from the walk as it lists
 * directories; each is probed when reached, so an entry removed since is skipped and one
 * changed since is read as it is now.
 */
export class PathWalk {
  private unreadPath: string | undefined;
  private lastPath: string | undefined;

  constructor(private readonly paths: AsyncIterator<string>) {}

  /** The entries from here on. Leaving early leaves the walk open (only this generator ends). */
  async *entries(probe: (path: string) => Promise<EntryMetadata | undefined>): AsyncGenerator<EntryMetadata> {
    for (let path = await this.nextPath(); path !== undefined; path = await this.nextPath()) {
      const metadata = await probe(path);
      if (metadata !== undefined) yield metadata;
    }
  }

  /** The page stopped on the last path taken without returning it: the next page starts there. */
  unreadLast(): void {
    this.unreadPath = this.lastPath;
  }

  private async nextPath(): Promise<string | undefined> {
    const unread = this.unreadPath;
    this.unreadPath = undefined;
    this.lastPath = unread ?? (await this.paths.next()).value ?? undefined;
    return this.lastPath;
  }
}
