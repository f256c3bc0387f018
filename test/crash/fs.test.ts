import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, onTestFinished } from 'vitest';
import { crashAndCheck, crashSeeds, KillTally } from './run.js';

const STEP_COUNT = 30;
/** An fsynced batch takes some 5 to 200 ms here: a kill this soon after an ack lands inside one of the next calls. */
const KILL_DELAY_MAX_MS = 40;

describe('crash: FileSystemStorage (fsync on), its process SIGKILLed mid-call', () => {
  const tally = new KillTally('crash fs, the child killed');
  afterAll(() => console.log(tally.summary()));

  it.each(crashSeeds())('seed %i: the reopened storage is the model at the step its cursor names', async (seed) => {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-crash-fs-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await crashAndCheck(seed, {
      victim: 'the child',
      testFile: 'test/crash/fs.test.ts',
      target: { kind: 'fs', dir },
      stepCount: STEP_COUNT,
      killDelayMaxMs: KILL_DELAY_MAX_MS,
      crash: (child) => child.kill(),
      // The files outlive the process: nothing to bring back.
      recover: async () => undefined,
    }, tally);
  });
});
