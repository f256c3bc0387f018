/**
 * What a chaos run stands on: toxiproxy and Redis, in containers through testcontainers where a
 * container runtime answers, else (said loudly, or refused under CHAOS_REQUIRE_CONTAINERS=1) as
 * processes on this host. The nodes are processes on this host either way.
 */
import { randomUUID } from 'node:crypto';
import { Network, type ContainerRuntimeClient } from 'testcontainers';
import { startRedisProcess, type RedisHandle } from './cluster/redis.js';
import { openHostToxiproxy, TOXIPROXY_URL_VARIABLE, type ToxiproxyHandle } from './cluster/toxiproxy.js';
import { startFaultProxyContainer, TOXIPROXY_IMAGE_VARIABLE } from './containers/fault-proxy-container.js';
import { buildLocalImages } from './containers/images.js';
import { startRedisContainer } from './containers/redis-container.js';
import { containersRequired, findContainerRuntime, REQUIRE_CONTAINERS_VARIABLE } from './containers/runtime.js';

export interface Providers {
  readonly redis: string;
  readonly toxiproxy: string;
}

export interface Lab {
  readonly toxiproxy: ToxiproxyHandle;
  /** null where neither a container runtime nor redis-server is there: scenarios that need Redis then fail. */
  readonly redis: RedisHandle | null;
  /** host:port at which the proxy reaches Redis. */
  readonly redisUpstream: string | null;
  readonly providers: Providers;
  /** Removes every container and network it started; safe to call twice. */
  close(): Promise<void>;
}

type Log = (line: string) => void;

/** Undoes what was opened, last first, whatever fails on the way. */
class Closers {
  private readonly closers: (() => Promise<unknown>)[] = [];

  add(closer: () => Promise<unknown>): void {
    this.closers.push(closer);
  }

  async closeAll(log: Log): Promise<void> {
    for (const closer of this.closers.splice(0).reverse()) {
      await closer().catch((error: unknown) => log(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}

export async function openLab(log: Log): Promise<Lab> {
  const runtime = await findContainerRuntime();
  if ('client' in runtime) return openContainerLab(runtime.client, log);
  if (containersRequired()) throw new Error(`${REQUIRE_CONTAINERS_VARIABLE}=1 but there is no container runtime: ${runtime.problem}`);
  log('!'.repeat(78));
  log(`NO CONTAINER RUNTIME (${runtime.problem.split('\n')[0]})`);
  log(`falling back to processes: Redis as a redis-server child, toxiproxy as the stand-in in this process (${REQUIRE_CONTAINERS_VARIABLE}=1 fails instead)`);
  log('!'.repeat(78));
  return openProcessLab(log);
}

async function openProcessLab(log: Log): Promise<Lab> {
  const closers = new Closers();
  try {
    const toxiproxy = await openHostToxiproxy();
    closers.add(() => toxiproxy.close());
    const redis = await startRedisProcess().catch((error: unknown) => {
      log(`no Redis: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (redis !== null) closers.add(() => redis.stop());
    const providers = { redis: redis?.provider ?? 'none (redis-server could not start)', toxiproxy: toxiproxy.provider };
    return { toxiproxy, redis, redisUpstream: redis?.hostUpstream ?? null, providers, close: () => closers.closeAll(log) };
  } catch (error) {
    await closers.closeAll(log);
    throw error;
  }
}

async function openContainerLab(client: ContainerRuntimeClient, log: Log): Promise<Lab> {
  const closers = new Closers();
  const labels = { 'nadb-chaos-run': randomUUID() };
  try {
    if (process.env[TOXIPROXY_IMAGE_VARIABLE] === undefined || process.env.CHAOS_REDIS_IMAGE === undefined) await buildLocalImages(client, true, log);
    const network = await new Network().start();
    closers.add(() => network.stop());
    const redis = await startRedisContainer(client, network, labels);
    closers.add(() => redis.stop());
    const external = process.env[TOXIPROXY_URL_VARIABLE];
    const toxiproxy = external !== undefined && external !== '' ? await openHostToxiproxy() : await startFaultProxyContainer(client, network, labels);
    closers.add(() => toxiproxy.close());
    // A proxy in the lab's network reaches Redis by its alias; one on this host, by its published port.
    const redisUpstream = toxiproxy.inLabNetwork ? (redis.networkUpstream ?? redis.hostUpstream) : redis.hostUpstream;
    return { toxiproxy, redis, redisUpstream, providers: { redis: redis.provider, toxiproxy: toxiproxy.provider }, close: () => closers.closeAll(log) };
  } catch (error) {
    await closers.closeAll(log);
    throw error;
  }
}
