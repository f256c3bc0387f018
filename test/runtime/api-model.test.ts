/**
 * The whole NetworkSyncBackend API, model-based: a real primary and a real secondary over loopback
 * TCP on MemoryStorage take every write method (the secondary refusing each with ReadOnlyError),
 * setContext, waits that let short TTLs expire, and every read method on both nodes once the
 * secondary has caught up; each answer must be what ApiModel says (see api-model/model.ts).
 *
 * Reproduce a failure with the seed and path it prints:
 *   NADB_API_MODEL_SEED=<seed> NADB_API_MODEL_PATH=<path> NADB_API_MODEL_REPLAY=<replayPath> npx vitest run test/runtime/api-model.test.ts
 * More runs: NADB_API_MODEL_RUNS=500.
 */
import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/storage/memory.js';
import { apiCommandsArb, expectReadsLikeModel, readTally, SHORT_TTL_MS_MAX, type Cluster } from './api-model/commands.js';
import { ApiModel, EXPIRY_MARGIN_MS } from './api-model/model.js';
import { modelReplay } from '../support/model-replay.js';
import { portOf, startPrimary, startSecondary } from './support/nodes.js';

/** Each run takes about half a second of waits and round trips. */
const RUNS_DEFAULT = 12;

type Commands = Iterable<fc.AsyncCommand<ApiModel, Cluster>>;

const REPLAY = modelReplay<Commands>({ envPrefix: 'NADB_API_MODEL', testFile: 'test/runtime/api-model.test.ts', runsDefault: RUNS_DEFAULT });

/** Lets every short TTL the run set come due, so that the last reads see them hidden. */
async function outlastShortExpiries(model: ApiModel): Promise<void> {
  const lastMs = model.lastExpiryBeforeMs(Date.now() + SHORT_TTL_MS_MAX + EXPIRY_MARGIN_MS);
  if (lastMs !== undefined) await sleep(Math.max(0, lastMs + 1 - Date.now()));
}

async function withCluster(use: (cluster: Cluster) => Promise<void>): Promise<void> {
  const primary = await startPrimary(new MemoryStorage());
  try {
    const secondary = await startSecondary(portOf(primary), new MemoryStorage());
    try {
      await use({ primary, secondary });
    } finally {
      await secondary.close();
    }
  } finally {
    await primary.close();
  }
}

describe('NetworkSyncBackend against a plain model, on a primary and a secondary', () => {
  it('every write and read method answers as the model does, TTLs in seconds, expired entries hidden on both nodes', async () => {
    await fc.assert(fc.asyncProperty(apiCommandsArb(REPLAY.replayPath), async (commands) => withCluster(async (real) => {
      const model = new ApiModel();
      await fc.asyncModelRun(() => ({ model, real }), commands);
      await expectReadsLikeModel(real, model, model.paths());
      await outlastShortExpiries(model);
      await expectReadsLikeModel(real, model, model.paths());
    })), REPLAY.parameters);
    console.log(`reads asserted: ${JSON.stringify(readTally)}`);
    expect(readTally.expired, 'no read met an expired entry').toBeGreaterThan(0);
    expect(readTally.present, 'no read met an entry').toBeGreaterThan(0);
  });
});
