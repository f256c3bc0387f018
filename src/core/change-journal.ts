/**
 * The paths a keyspace changed since its reader last took them: what lets a reader that keeps a
 * copy in step (the simulator's checker) look at those paths alone instead of every entry.
 */
export class ChangeJournal {
  private paths = new Set<string>();
  private everything = false;

  note(path: string): void {
    if (!this.everything) this.paths.add(path);
  }

  /** A change too wide to name path by path (a clear). */
  noteAll(): void {
    this.everything = true;
    this.paths.clear();
  }

  /** The paths changed since the last take (the taker's to keep or change), or null when every path may have. */
  take(): Set<string> | null {
    const taken = this.everything ? null : this.paths;
    this.paths = new Set();
    this.everything = false;
    return taken;
  }
}
