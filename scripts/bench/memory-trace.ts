import { getHeapSpaceStatistics } from 'node:v8';

const MIB = 1024 * 1024;
/** Often enough to catch a peak that a resync's chunks build within a second. */
const SAMPLE_MS = 10;
/** A line each time the RSS passes a new step: a 1,000,000-key join prints about ten. */
const STEP_BYTES = 32 * MIB;

/** Where a process's memory is: V8's heap spaces (used / committed), ArrayBuffers, the rest node's own. */
function split(): string {
  const usage = process.memoryUsage();
  const spaces = getHeapSpaceStatistics()
    .filter((space) => space.physical_space_size >= MIB)
    .map((space) => `${space.space_name.replace(/_space$/, '')} ${mib(space.space_used_size)}/${mib(space.physical_space_size)}`);
  const outside = usage.rss - usage.heapTotal - usage.arrayBuffers;
  return `rss ${mib(usage.rss)} MiB: heap ${mib(usage.heapUsed)}/${mib(usage.heapTotal)} (${spaces.join(', ')}), arrayBuffers ${mib(usage.arrayBuffers)}, outside both ${mib(outside)}`;
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(0);
}

/**
 * NADB_BENCH_MEMORY_TRACE=1: each of our nodes writes to stderr where its memory is each time its
 * RSS reaches a new 32 MiB step, so the last line of a node is its split near its peak; each line
 * names the node's role, pid and node flags.
 */
export function traceMemory(role: string): void {
  if (process.env.NADB_BENCH_MEMORY_TRACE === undefined) return;
  let nextStepBytes = STEP_BYTES;
  setInterval(() => {
    const rssBytes = process.memoryUsage.rss();
    if (rssBytes < nextStepBytes) return;
    nextStepBytes = (Math.floor(rssBytes / STEP_BYTES) + 1) * STEP_BYTES;
    process.stderr.write(`[memory ${[role, process.pid, ...process.execArgv].join(' ')}] ${split()}\n`);
  }, SAMPLE_MS).unref();
}
