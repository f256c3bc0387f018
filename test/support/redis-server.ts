/**
 * The Redis tests' suites: without redis-server on PATH they are skipped with a printed reason,
 * unless NADB_REQUIRE_REDIS=1 (as CI sets), in which case they fail.
 */
import { spawnSync } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../harness/redis-process.js';

export { freePort, startRedisServer, type RedisServer, type RedisServerOptions } from '../../harness/redis-process.js';

/**
 * Declares `body` under a suite that starts a server before it and stops it after; `server()`
 * gives the running one. Skipped (or failed, when required) without redis-server.
 */
export function describeWithRedis(name: string, body: (server: () => RedisServer) => void): void {
  describeIfRedis(name, () => {
    let running: RedisServer | undefined;
    beforeAll(async () => {
      running = await startRedisServer();
    });
    afterAll(async () => {
      await running?.stop();
    });
    body(() => {
      if (running === undefined) throw new Error('the Redis server has not started');
      return running;
    });
  });
}

/** Declares `body` as a suite when redis-server can run; skipped (or failed, when required) otherwise. */
export function describeIfRedis(name: string, body: () => void): void {
  const missing = missingRedisServer();
  if (missing === undefined) {
    describe(name, body);
  } else if (process.env.NADB_REQUIRE_REDIS === '1') {
    describe(name, () => {
      it('needs redis-server (NADB_REQUIRE_REDIS=1)', () => {
        throw new Error(`NADB_REQUIRE_REDIS=1 but ${missing}`);
      });
    });
  } else {
    console.warn(`skipping ${name}: ${missing} (set NADB_REQUIRE_REDIS=1 to fail instead)`);
    describe.skip(name, body);
  }
}

/** Why redis-server cannot run here, or undefined when it can. */
function missingRedisServer(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `redis-server is not on PATH (${probe.error.message})`;
  if (probe.status !== 0) return `redis-server --version failed: ${probe.stderr}`;
  return undefined;
}

/** The ids of the clients a server serves, from CLIENT LIST. */
export async function clientIdsOf(redis: Redis): Promise<Set<string>> {
  return new Set([...String(await redis.client('LIST')).matchAll(/\bid=(\d+)/g)].map((match) => match[1] as string));
}
