import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import { MAGIC } from '../../src/storage/append-only/append-file.js';
import { RECORD_SHAPE } from '../../src/storage/append-only/record.js';
import { frameAt, RECORD_MARKER } from '../../src/storage/record-frame.js';
import { crashAndCheck, crashSeeds, KillTally } from './run.js';

const STEP_COUNT = 30;
/** An fdatasynced append takes about a millisecond here, a rewrite or a staged commit a few: kills land inside the next calls. */
const KILL_DELAY_MAX_MS = 8;
/** Small enough that a run rewrites its file several times: a kill lands in a rewrite too. */
const REWRITE_MIN_BYTES = 4096;

describe('crash: AppendOnlyStorage (fsync on), its process SIGKILLed mid-call', () => {
  const tally = new KillTally('crash aof, the child killed');
  afterAll(() => console.log(tally.summary()));

  it.each(crashSeeds())('seed %i: the reopened storage is the model at the step its cursor names', async (seed) => {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-crash-aof-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await crashAndCheck(seed, {
      victim: 'the child',
      testFile: 'test/crash/append-only.test.ts',
      target: { kind: 'aof', dir, rewriteMinBytes: REWRITE_MIN_BYTES },
      stepCount: STEP_COUNT,
      killDelayMaxMs: KILL_DELAY_MAX_MS,
      crash: (child) => child.kill(),
      // The file outlives the process: nothing to bring back; it is damaged for one open first.
      recover: () => expectLengthDamageRefused(dir),
    }, tally);
  });
});

/**
 * The first record's length field set past the end of the file the kill left (its torn tail, a
 * rewrite's temp file and all): while a whole record follows it, open() must refuse naming byte 8,
 * not cut both. The file is put back as it was for the run's own check.
 */
async function expectLengthDamageRefused(dir: string): Promise<void> {
  const file = join(dir, 'appendonly.nadb');
  const bytes = await readFile(file);
  const first = frameAt(bytes, MAGIC.length, RECORD_SHAPE);
  if (first.kind !== 'record' || frameAt(bytes, MAGIC.length + RECORD_MARKER.length + first.frameBytes, RECORD_SHAPE).kind !== 'record') return;
  const damaged = Buffer.from(bytes);
  damaged.writeUInt32LE(bytes.length, MAGIC.length + RECORD_MARKER.length);
  await writeFile(file, damaged);
  try {
    await expect(AppendOnlyStorage.open({ basePath: dir })).rejects.toThrow(`corrupt record in ${file} at byte ${MAGIC.length} (`);
  } finally {
    await writeFile(file, bytes);
  }
}
