import { mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ancestorsOf, DirShape, segmentsOf, split } from '../../../../src/storage/filesystem/shape.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nadb-shape-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DirShape', () => {
  it('reads a directory once: a subdirectory made behind its back counts once it is told or forgets', async () => {
    await mkdir(join(root, 'a'));
    await writeFile(join(root, 'f'), 'x');
    const shape = new DirShape(root);
    expect(await shape.isDir('a')).toBe(true);
    expect(await shape.isDir('f')).toBe(false);
    await mkdir(join(root, 'b'));
    await mkdir(join(root, 'c'));
    expect(await shape.isDir('b')).toBe(false);
    shape.created('b');
    expect(await shape.isDir('b')).toBe(true);
    expect(await shape.isDir('c')).toBe(false);
    shape.forget();
    expect(await shape.isDir('c')).toBe(true);
  });

  it('reads a directory it was told of only when asked: others may be made in it meanwhile', async () => {
    const shape = new DirShape(root);
    expect(await shape.isDir('a')).toBe(false);
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    shape.created('a');
    shape.created('a/b');
    await mkdir(join(root, 'a', 'c'));
    expect(await shape.isDir('a/b')).toBe(true);
    expect(await shape.isDir('a/c')).toBe(true);
  });

  it('forgets a removed directory, and what it knew under it', async () => {
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    const shape = new DirShape(root);
    expect(await shape.isDir('a')).toBe(true);
    expect(await shape.isDir('a/b')).toBe(true);
    await rmdir(join(root, 'a', 'b'));
    shape.removed('a/b');
    await rmdir(join(root, 'a'));
    shape.removed('a');
    expect(await shape.isDir('a')).toBe(false);
    expect(await shape.isDir('a/b')).toBe(false);
  });

  it('forgets what it knew under a directory found gone (removed by someone else) when made again', async () => {
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    const shape = new DirShape(root);
    expect(await shape.isDir('a/b')).toBe(true);
    await rm(join(root, 'a'), { recursive: true });
    shape.removed('a');
    await mkdir(join(root, 'a'));
    shape.created('a');
    expect(await shape.isDir('a/b')).toBe(false);
  });
});

describe('paths as segments', () => {
  it.each([
    ['a/b/c', { parent: 'a/b', name: 'c' }],
    ['a', { parent: '', name: 'a' }],
    ['top', { parent: '', name: 'top' }],
  ])('splits %j into its parent and name', (path, parts) => {
    expect(split(path)).toEqual(parts);
  });

  it('lists the directories an entry path lies under, outermost first', () => {
    expect(ancestorsOf('a/b/c')).toEqual(['a', 'a/b']);
    expect(ancestorsOf('a')).toEqual([]);
  });

  it('gives no segment for the root', () => {
    expect(segmentsOf('')).toEqual([]);
    expect(segmentsOf('a/b')).toEqual(['a', 'b']);
  });
});
