import { describe, expect, it, vi } from 'vitest';
import type { EntryMetadata } from '../../../../src/storage/backend.js';
import { PathWalk } from '../../../../src/storage/filesystem/path-walk.js';

async function* pathsOf(paths: readonly string[]): AsyncGenerator<string> {
  yield* paths;
}

/** Present unless its name says gone; `probed` records every probe. */
function prober(probed: string[]): (path: string) => Promise<EntryMetadata | undefined> {
  return async (path) => {
    probed.push(path);
    return path.startsWith('gone') ? undefined : { path, key: path, db: 'db', namespace: 'ns', tags: [], expiresAtMs: null, sizeBytes: 1 };
  };
}

/** Present unless its name says gone, answered only when `answer` lets it: `asked` records every probe begun. */
function heldProber(asked: string[]): { probe: (path: string) => Promise<EntryMetadata | undefined>; answerAll: () => void } {
  const waiting: (() => void)[] = [];
  return {
    probe: async (path) => {
      asked.push(path);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return path.startsWith('gone') ? undefined : { path, key: path, db: 'db', namespace: 'ns', tags: [], expiresAtMs: null, sizeBytes: 1 };
    },
    answerAll: () => {
      for (const answer of waiting.splice(0)) answer();
    },
  };
}

async function take(entries: AsyncGenerator<EntryMetadata>, count: number): Promise<string[]> {
  const taken: string[] = [];
  for await (const { path } of entries) {
    taken.push(path);
    if (taken.length === count) break;
  }
  return taken;
}

describe('PathWalk', () => {
  it('yields the paths whose probe finds an entry, probing each when reached', async () => {
    const probed: string[] = [];
    const walk = new PathWalk(pathsOf(['a', 'gone1', 'b', 'gone2']));
    expect(await take(walk.entries(prober(probed)), 10)).toEqual(['a', 'b']);
    expect(probed).toEqual(['a', 'gone1', 'b', 'gone2']);
  });

  it('continues where a page left it, from the path it stopped on once it is unread', async () => {
    const probed: string[] = [];
    const walk = new PathWalk(pathsOf(['a', 'b', 'c', 'd']));
    expect(await take(walk.entries(prober(probed)), 2)).toEqual(['a', 'b']);
    expect(await take(walk.entries(prober(probed)), 1)).toEqual(['c']);
    walk.unreadLast();
    expect(await take(walk.entries(prober(probed)), 10)).toEqual(['c', 'd']);
    expect(await take(walk.entries(prober(probed)), 10)).toEqual([]);
    expect(probed).toEqual(['a', 'b', 'c', 'c', 'd']);
  });

  it('probes up to aheadMax paths at once, yields in order, and gives the paths probed ahead back when a page leaves early', async () => {
    const asked: string[] = [];
    const { probe, answerAll } = heldProber(asked);
    const walk = new PathWalk(pathsOf(['a', 'gone1', 'b', 'c', 'd', 'e']));
    const entries = walk.entries(probe, 3);
    const first = entries.next();
    // Three probes begun before any answer: the walk does not wait on each in turn.
    await vi.waitFor(() => expect(asked).toEqual(['a', 'gone1', 'b']));
    answerAll();
    expect((await first).value?.path).toBe('a');
    const second = entries.next();
    await vi.waitFor(() => expect(asked).toEqual(['a', 'gone1', 'b', 'c', 'd']));
    answerAll();
    expect((await second).value?.path).toBe('b');
    // The page ends on b: c and d, probed ahead, come back first, after b once it is unread.
    await entries.return(undefined);
    walk.unreadLast();
    asked.length = 0;
    const rest = take(walk.entries(probe, 3), 10);
    for (let answered = 0; answered < 4; answered += 1) {
      await vi.waitFor(() => expect(asked.length).toBeGreaterThan(answered));
      answerAll();
    }
    expect(await rest).toEqual(['b', 'c', 'd', 'e']);
    expect(asked).toEqual(['b', 'c', 'd', 'e']);
  });
});
