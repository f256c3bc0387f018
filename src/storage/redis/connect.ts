import { Redis } from 'ioredis';
import { ConnectionError } from '../../core/errors.js';

/** Redis' port, where a URL names none. */
export const REDIS_DEFAULT_PORT = 6379;

/** A connected client of `url`, or a ConnectionError naming `what` the connection was for. */
export async function connectRedis(url: string, what: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true });
  // Failures reach the callers through their commands' promises; unheard, ioredis would log them.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    const { hostname, port } = new URL(url);
    throw new ConnectionError(`cannot reach Redis${what}: ${(error as Error).message}`, hostname, Number(port || REDIS_DEFAULT_PORT));
  }
}
