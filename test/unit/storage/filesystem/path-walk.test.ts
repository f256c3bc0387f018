import { describe, expect, it } from 'vitest';
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
});
