import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, onTestFinished } from 'vitest';
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
      // The file outlives the process: nothing to bring back.
      recover: async () => undefined,
    }, tally);
  });
});
