import { parentPort, workerData } from 'node:worker_threads';
import { swarmOptions } from '../options.js';
import { runSimulation } from '../run.js';
import type { WorkerJob } from './pool.js';
import { toSeedResult } from './seed-result.js';

// One thread's share of a sweep: each seed's result is posted as soon as it is known, for progress.
const job = workerData as WorkerJob;
for (const seed of job.seeds) {
  const result = runSimulation(swarmOptions(seed, job.overrides));
  parentPort?.postMessage(toSeedResult(result));
}
