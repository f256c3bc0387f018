import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, it, onTestFinished } from 'vitest';
import { describeIfRedis, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { crashAndCheck, crashSeeds, KillTally, type ChildRun } from './run.js';

const STEP_COUNT = 30;
/** A batch takes a few ms on Redis: a kill this soon after an ack lands inside one of the next calls. */
const KILL_DELAY_MAX_MS = 6;
/** How long the server may take to drop the killed child's connection. */
const CLIENTS_GONE_TIMEOUT_MS = 5_000;
const CLIENTS_POLL_MS = 10;

interface Victim {
  readonly name: string;
  crash(server: RedisServer, child: ChildRun): Promise<void>;
  /** Once the victim and the child are dead, before the storage is reopened. */
  recover(server: RedisServer): Promise<void>;
}

const VICTIMS: readonly Victim[] = [
  {
    name: 'the child',
    crash: (_server, child) => child.kill(),
    // A transaction the child sent whole may still run after it died: the server must be done with it.
    recover: (server) => untilOnlyClient(server.url),
  },
  {
    // The child sees its connection drop; it is killed right after, before it could reconnect.
    name: 'redis-server',
    crash: (server) => server.kill(),
    recover: (server) => server.restart(),
  },
];

describeIfRedis('crash: RedisStorage (appendfsync always)', () => {
  for (const victim of VICTIMS) {
    describe(`${victim.name} SIGKILLed mid-call`, () => {
      const tally = new KillTally(`crash redis, ${victim.name} killed`);
      afterAll(() => console.log(tally.summary()));

      it.each(crashSeeds())('seed %i: the reopened storage is the model at the step its cursor names', async (seed) => {
        const server = await startRedisServer({ appendFsyncAlways: true });
        onTestFinished(() => server.stop());
        await crashAndCheck(seed, {
          victim: victim.name,
          testFile: 'test/crash/redis.test.ts',
          target: { kind: 'redis', url: server.url, keyPrefix: `crash-${seed}` },
          stepCount: STEP_COUNT,
          killDelayMaxMs: KILL_DELAY_MAX_MS,
          crash: (child) => victim.crash(server, child),
          recover: () => victim.recover(server),
        }, tally);
      });
    });
  }
});

/** Resolves once the server serves no client but the one asking. */
async function untilOnlyClient(url: string): Promise<void> {
  const redis = new Redis(url);
  try {
    const deadline = Date.now() + CLIENTS_GONE_TIMEOUT_MS;
    while (String(await redis.client('LIST')).trim().split('\n').length > 1) {
      if (Date.now() > deadline) throw new Error(`the killed child's connection was still open after ${CLIENTS_GONE_TIMEOUT_MS} ms`);
      await sleep(CLIENTS_POLL_MS);
    }
  } finally {
    await redis.quit();
  }
}
