import type { Verdict } from '../run.js';
import type { SeedResult } from '../sweep/seed-result.js';
import { sweepHash } from '../sweep/sweep-hash.js';
import { ratio, seconds } from './format.js';

const VERDICTS: readonly Verdict[] = ['pass', 'safety', 'liveness', 'crash'];

/**
 * What a sweep found, in seed order and free of wall-clock figures, so that the same seeds give
 * the same lines on any machine with any number of workers. The sweep hash covers every run's
 * trace hash: two sweeps that print the same one ran the same events.
 */
export function formatSummary(results: readonly SeedResult[]): string[] {
  const failed = results.filter((result) => result.verdict !== 'pass');
  const virtualMs = results.reduce((sum, result) => sum + result.virtualMs, 0);
  const segments = results.reduce((sum, result) => sum + result.segmentsDelivered, 0);
  return [
    `verdicts  ${VERDICTS.map((verdict) => `${verdict} ${results.filter((result) => result.verdict === verdict).length}`).join('  ')}`,
    `simulated ${seconds(virtualMs)}, ${segments} segments delivered`,
    `hash      ${sweepHash(results)}`,
    ...(failed.length === 0 ? [] : [`failed    ${failed.length} of ${results.length} seeds:`]),
    ...failed.flatMap((result) => [`  seed ${result.seed}  ${result.verdict}: ${result.message}`, `    ${result.replay}`]),
  ];
}

/** Wall-clock rates: these differ from machine to machine, so they stay out of the summary. */
export function formatThroughput(results: readonly SeedResult[], wallMs: number): string {
  const virtualMs = results.reduce((sum, result) => sum + result.virtualMs, 0);
  const segments = results.reduce((sum, result) => sum + result.segmentsDelivered, 0);
  const seedsPerMinute = (results.length * 60_000) / Math.max(wallMs, 1);
  const segmentsPerSecond = (segments * 1_000) / Math.max(wallMs, 1);
  return `wall      ${seconds(wallMs)}: ${seedsPerMinute.toFixed(1)} seeds/minute, ${ratio(virtualMs, wallMs)}, ${Math.round(segmentsPerSecond)} segments/s`;
}
