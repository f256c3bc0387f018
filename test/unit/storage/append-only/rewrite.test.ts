import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Keyspace } from '../../../../src/core/keyspace.js';
import { MAGIC } from '../../../../src/storage/append-only/append-file.js';
import { REWRITE_BUFFER_BYTES_MAX, REWRITE_CATCH_UP_BYTES_MIN } from '../../../../src/storage/append-only/limits.js';
import { BackgroundRewrite } from '../../../../src/storage/append-only/rewrite.js';

const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const MIB = new Uint8Array(1024 * 1024);

it('keeps up to REWRITE_BUFFER_BYTES_MAX bytes of records appended meanwhile, and gives up past them, as outrun', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-aof-rewrite-'));
  dirs.push(dir);
  const rewrite = new BackgroundRewrite(join(dir, 'temp'), new Keyspace(), null, false);
  await rewrite.snapshotWritten;
  // The same mebibyte over and over: the bound counts bytes, and a record is chunks.
  const records = REWRITE_BUFFER_BYTES_MAX / MIB.length;
  for (let index = 0; index < records - 1; index += 1) rewrite.keep([MIB]);
  rewrite.keep([MIB.subarray(1), MIB.subarray(0, 1)]);
  expect(rewrite.abandoned).toBeUndefined();
  rewrite.keep([MIB.subarray(0, 1)]);
  expect(rewrite.abandoned).toEqual({ why: `more than ${REWRITE_BUFFER_BYTES_MAX} bytes were appended while it ran`, failed: false });
  // Stopped once: a later reason does not replace the first.
  rewrite.abandon('closing', true);
  expect(rewrite.abandoned).toEqual({ why: `more than ${REWRITE_BUFFER_BYTES_MAX} bytes were appended while it ran`, failed: false });
  await rewrite.discard();
});

it('writes the records kept while its snapshot is written in the background, and leaves fewer than REWRITE_CATCH_UP_BYTES_MIN to its completion', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-aof-rewrite-'));
  dirs.push(dir);
  const temp = join(dir, 'temp');
  const rewrite = new BackgroundRewrite(temp, new Keyspace(), null, false);
  // Kept before the snapshot's first write: the applies that went on meanwhile.
  const keptBytes = 2 * REWRITE_CATCH_UP_BYTES_MIN;
  for (let kept = 0; kept < keptBytes; kept += MIB.length) rewrite.keep([MIB]);
  await rewrite.snapshotWritten;
  expect((await stat(temp)).size).toBe(MAGIC.length + keptBytes);
  // Below the threshold, the rest waits for the completion, between two applies.
  const tail = MIB.subarray(0, REWRITE_CATCH_UP_BYTES_MIN - 1);
  rewrite.keep([tail]);
  expect((await stat(temp)).size).toBe(MAGIC.length + keptBytes);
  expect(await rewrite.complete()).toBe(MAGIC.length + keptBytes + tail.length);
  expect(rewrite.abandoned).toBeUndefined();
});
