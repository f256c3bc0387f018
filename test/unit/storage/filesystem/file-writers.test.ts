import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWriters } from '../../../../src/storage/filesystem/file-writers.js';

let dir: string;
let writers: FileWriters;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nadb-writers-'));
  writers = new FileWriters();
});

afterEach(async () => {
  await writers.close();
  await rm(dir, { recursive: true, force: true });
});

/** Its threads: no call of its own shows them, or kills one as running out of memory would. */
const threadsOf = (of: FileWriters): Worker[] => (of as unknown as { threads: Worker[] }).threads;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('FileWriters', () => {
  it('writes files over what was there, cutting a longer old value, and removes files, in every lane', async () => {
    await writeFile(join(dir, 'a'), 'an old and longer value');
    await writeFile(join(dir, 'gone'), 'x');
    await writers.run([
      [{ file: join(dir, 'a'), bytes: bytes('new') }, { file: join(dir, 'gone') }, { file: join(dir, 'never there') }],
      [{ file: join(dir, 'b'), bytes: bytes('') }],
      [{ file: join(dir, 'c'), bytes: bytes('third lane') }],
    ], true);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('new');
    expect(await readFile(join(dir, 'b'), 'utf8')).toBe('');
    expect(await readFile(join(dir, 'c'), 'utf8')).toBe('third lane');
    expect(existsSync(join(dir, 'gone'))).toBe(false);
  });

  it("stops a lane at its first failure and rejects with it, its code kept, once every lane has stopped", async () => {
    const failing = join(dir, 'missing', 'x');
    const run = writers.run([
      [{ file: failing, bytes: bytes('x') }, { file: join(dir, 'after'), bytes: bytes('x') }],
      [{ file: join(dir, 'other lane'), bytes: bytes('x') }],
    ], false);
    await expect(run).rejects.toThrow(`ENOENT: no such file or directory, open '${failing}'`);
    await expect(run).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(join(dir, 'after'))).toBe(false);
    expect(existsSync(join(dir, 'other lane'))).toBe(true);
  });

  it('rejects with the failure of a later lane when the first succeeds', async () => {
    await expect(writers.run([[{ file: join(dir, 'ok'), bytes: bytes('x') }], [{ file: join(dir, 'missing', 'x'), bytes: bytes('x') }]], false))
      .rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('counts a removal under a file (ENOTDIR) or of a directory (EISDIR) as done', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await writers.run([[{ file: join(dir, 'file', 'under') }, { file: dir }]], false);
    expect(existsSync(dir)).toBe(true);
  });

  it('fails a removal for any reason but the file being gone', async () => {
    await expect(writers.run([[{ file: join(dir, 'x'.repeat(300)) }]], false)).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
  });

  it('ends its threads on close', async () => {
    await writers.run([[{ file: join(dir, 'a'), bytes: bytes('x') }]], false);
    let exited = 0;
    for (const thread of threadsOf(writers)) thread.once('exit', () => (exited += 1));
    await writers.close();
    expect(exited).toBe(2);
  });

  it('runs nothing for empty lanes, and starts its threads again after close', async () => {
    await writers.run([[], []], false);
    await writers.close();
    await writers.run([[{ file: join(dir, 'a'), bytes: bytes('after close') }]], false);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('after close');
  });
});

describe('FileWriters whose thread dies', () => {
  it('fails every lane still waiting, then starts new threads for the next run', async () => {
    await writers.run([[{ file: join(dir, 'warm'), bytes: bytes('x') }]], false);
    const tasks = Array.from({ length: 2000 }, (_, index) => ({ file: join(dir, `f${index}`), bytes: bytes('x') }));
    const run = writers.run([tasks, tasks], false);
    const [first] = threadsOf(writers);
    await first?.terminate();
    await expect(run).rejects.toThrow(/^file writer thread failed: exited with code 1$/);
    await writers.run([[{ file: join(dir, 'after'), bytes: bytes('again') }], [{ file: join(dir, 'other'), bytes: bytes('again') }]], false);
    expect(await readFile(join(dir, 'after'), 'utf8')).toBe('again');
    expect(await readFile(join(dir, 'other'), 'utf8')).toBe('again');
  });
});
