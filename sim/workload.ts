import type { Operation } from '../src/core/operation.js';
import type { WorkloadOptions } from './options.js';
import type { Prng } from './prng.js';

/** A write mix of every operation type over a bounded set of paths, so that writes collide. */
export function nextOperation(prng: Prng, workload: WorkloadOptions, nowMs: number): Operation {
  const path = `data/${prng.below(workload.paths)}`;
  const roll = prng.below(100);
  if (roll < 65) return nextSet(prng, workload, path, nowMs);
  if (roll < 85) return { type: 'DELETE', path };
  if (roll < 92) return { type: 'SET_TTL', path, expiresAtMs: prng.below(2) === 0 ? null : nowMs + prng.below(30_000) };
  if (roll < 98) return { type: 'METADATA', path, tags: tagsFrom(prng) };
  return { type: 'FLUSH', db: prng.below(2) === 0 ? 'app' : null, namespace: prng.below(2) === 0 ? `ns${prng.below(3)}` : null };
}

function nextSet(prng: Prng, workload: WorkloadOptions, path: string, nowMs: number): Operation {
  const value = new Uint8Array(prng.below(workload.valueBytesMax + 1));
  for (let i = 0; i < value.length; i += 1) value[i] = prng.below(256);
  const expiresAtMs = prng.below(8) === 0 ? nowMs + prng.below(20_000) : null;
  return { type: 'SET', path, key: path, value, db: 'app', namespace: `ns${prng.below(3)}`, tags: tagsFrom(prng), expiresAtMs };
}

function tagsFrom(prng: Prng): string[] {
  const count = prng.below(3);
  const tags = new Set<string>();
  for (let i = 0; i < count; i += 1) tags.add(`tag${prng.below(5)}`);
  return [...tags];
}
