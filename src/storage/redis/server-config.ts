import type { Redis } from 'ioredis';

/** A CONFIG value, or undefined where CONFIG is renamed or disabled (as on many managed servers). */
export async function configValue(redis: Redis, name: string): Promise<string | undefined> {
  try {
    const [, value] = (await redis.config('GET', name)) as string[];
    return value;
  } catch {
    return undefined;
  }
}
