import { GenericContainer, Wait, type ContainerRuntimeClient, type StartedNetwork } from 'testcontainers';
import { freePort, pings } from '../../harness/redis-process.js';
import { waitUntil } from '../../harness/waits.js';
import type { RedisHandle } from '../cluster/redis.js';
import { LOCAL_REDIS_IMAGE } from './images.js';

/** A Redis image to use instead of the local one (e.g. redis:7, where a registry serves it). */
export const REDIS_IMAGE_VARIABLE = 'CHAOS_REDIS_IMAGE';
export const REDIS_ALIAS = 'redis';
const REDIS_PORT = 6379;
/** A container start on a loaded two-core machine, AOF loading included. */
const START_TIMEOUT_MS = 30_000;

export function redisImage(): string {
  return process.env[REDIS_IMAGE_VARIABLE] || LOCAL_REDIS_IMAGE;
}

/**
 * Redis in a container on the lab's network (alias `redis`), appendonly with fsync always so that
 * a restart loads what it acknowledged. Its host port is bound once, so it survives a restart.
 */
export async function startRedisContainer(client: ContainerRuntimeClient, network: StartedNetwork, labels: Record<string, string>): Promise<RedisHandle> {
  const image = redisImage();
  const hostPort = await freePort();
  const create = async (): Promise<string> => {
    const started = await new GenericContainer(image)
      .withNetwork(network)
      .withNetworkAliases(REDIS_ALIAS)
      .withLabels(labels)
      .withExposedPorts({ container: REDIS_PORT, host: hostPort })
      .withCommand(['redis-server', '--protected-mode', 'no', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', '/data'])
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .withStartupTimeout(START_TIMEOUT_MS)
      .start();
    return started.getId();
  };
  const firstId = await create();
  let container = client.container.getById(firstId);
  return {
    provider: `container: ${image} through testcontainers (${firstId.slice(0, 12)})`,
    hostUpstream: `127.0.0.1:${hostPort}`,
    networkUpstream: `${REDIS_ALIAS}:${REDIS_PORT}`,
    kill: () => container.kill({ signal: 'SIGKILL' }),
    restart: async () => {
      await container.start();
      await waitUntil(() => pings(hostPort), `${image} to answer PING after its restart`, START_TIMEOUT_MS);
    },
    // Same alias and host port, no files: the proxies' next connections reach the new server.
    restartEmpty: async () => {
      await container.remove({ force: true, v: true });
      container = client.container.getById(await create());
    },
    pause: () => container.pause(),
    unpause: () => container.unpause(),
    stop: () => container.remove({ force: true, v: true }),
  };
}
