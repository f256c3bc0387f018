import { codeUnitAt } from '../../src/core/string-methods.js';
import type { SeedResult } from './seed-result.js';

/**
 * 32-bit FNV-1a over the seeds and trace hashes in seed order: two sweeps that print the same one
 * ran the same events, and shards merged in order give the hash of the whole range.
 */
export function sweepHash(results: readonly SeedResult[]): string {
  let hash = 0x811c9dc5;
  for (const result of results) {
    const text = `${result.seed}:${result.traceHash};`;
    for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ codeUnitAt(text, i), 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
