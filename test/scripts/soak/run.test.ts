/**
 * `npm run bench:soak`, in small: calls flow, samples are taken with the cluster caught up, the
 * restarted secondary resumes, and the storages are compared. How memory moves is for a long run to
 * say, not this test.
 */
import { describe, expect, it } from 'vitest';
import { runSoak, type SoakSample, type SoakStorage } from '../../../scripts/soak/run.js';
import type { WireFormatSetting } from '../../../src/core/codec/wire-format.js';
import { describeIfRedis } from '../../support/redis-server.js';

const KEYS = 200;

async function soakBriefly(storage: SoakStorage, wireFormat: WireFormatSetting = 'binary'): Promise<void> {
  const seen: SoakSample[] = [];
  const result = await runSoak({ durationMs: 3_000, storage, keys: KEYS, seed: 7, window: 50, sampleEveryMs: 1_000, restartEveryMs: 1_000, wireFormat }, (sample) => seen.push(sample));
  expect(result.samples).toEqual(seen);
  expect(result.samples.length).toBeGreaterThanOrEqual(2);
  expect(result.calls).toBeGreaterThan(0);
  expect(result.firstRefusal).toBeNull();
  expect(result.refused).toBe(0);
  expect(result.samples.at(-1)?.calls).toBe(result.calls);
  expect(result.restarts).toBeGreaterThanOrEqual(1);
  expect(result.samples.at(-1)?.partialResyncs).toBeGreaterThanOrEqual(1);
  expect(result.differences).toEqual([null, null]);
  for (const sample of result.samples) {
    expect(sample.entries).toBeLessThanOrEqual(KEYS);
    if (storage === 'memory') expect(sample.storedMiB).toBe(0);
    else expect(sample.storedMiB).toBeGreaterThan(0);
  }
}

const SOAK_TIMEOUT_MS = 60_000;

describe('the soak', () => {
  it.each(['memory', 'aof'] as const)('churns a small keyspace on %s storage, restarts a secondary, and ends with equal storages', (storage) => soakBriefly(storage), SOAK_TIMEOUT_MS);

  it('does so over the seed\'s JSON frames too', () => soakBriefly('memory', 'json'), SOAK_TIMEOUT_MS);
});

describeIfRedis('the soak on Redis', () => {
  it('churns a small keyspace on a redis-server of its own, and ends with equal storages', () => soakBriefly('redis'), SOAK_TIMEOUT_MS);
});
