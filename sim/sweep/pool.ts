import { Worker } from 'node:worker_threads';
import type { SwarmOverrides } from '../options.js';
import type { SeedResult } from './seed-result.js';

export interface SweepPlan {
  readonly seeds: readonly number[];
  readonly workers: number;
  readonly overrides: SwarmOverrides;
}

/** What one worker thread is given. */
export interface WorkerJob {
  readonly seeds: readonly number[];
  readonly overrides: SwarmOverrides;
}

/**
 * Runs every seed of the plan in worker threads and returns the results in the plan's order. Seed i
 * goes to worker i mod W, so which thread runs a seed never depends on timing; and as every run
 * depends on its seed alone, neither do the results.
 */
export async function runSweep(plan: SweepPlan, onResult: (result: SeedResult) => void): Promise<SeedResult[]> {
  const threads = Math.max(1, Math.min(plan.workers, plan.seeds.length));
  const shares = Array.from({ length: threads }, (_, w) => plan.seeds.filter((_, i) => i % threads === w));
  const results = (await Promise.all(shares.map((seeds) => runWorker({ seeds, overrides: plan.overrides }, onResult)))).flat();
  const order = new Map(plan.seeds.map((seed, i) => [seed, i]));
  return results.sort((a, b) => (order.get(a.seed) ?? 0) - (order.get(b.seed) ?? 0));
}

function runWorker(job: WorkerJob, onResult: (result: SeedResult) => void): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  const worker = startWorker(job);
  return new Promise((resolve, reject) => {
    worker.on('message', (result: SeedResult) => {
      results.push(result);
      onResult(result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code === 0 && results.length === job.seeds.length) resolve(results);
      else reject(new Error(`a sweep worker exited with code ${code} after ${results.length} of ${job.seeds.length} seeds`));
    });
  });
}

/**
 * From the build, the worker is plain JavaScript. From the sources (tsx, vitest) it is TypeScript,
 * and Node 20 does not pass tsx's loader hooks on to worker threads, so the worker imports itself
 * through tsx's API.
 */
function startWorker(job: WorkerJob): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: job });
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(worker)}, ${JSON.stringify(worker)}))`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}
