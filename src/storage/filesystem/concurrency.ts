import { assert } from '../../core/assert.js';

/**
 * File operations in flight at once through libuv's pool (fsyncs, directories). It runs 4 at a
 * time by default; more keep it fed across the round trips to the event loop, and a fsync round
 * gives the disk many to merge. The bound caps the file descriptors held open.
 */
export const FILE_TASKS_IN_FLIGHT_MAX = 256;

/**
 * Paths a walk probes ahead of the entry it yields (PathWalk): a probe reads an entry's metadata
 * file and sizes its data file, two round trips through the pool, which one at a time left a
 * scan page waiting on the disk's latency rather than its speed.
 */
export const PROBES_AHEAD_MAX = 32;

/**
 * Runs `task` on every item, at most `inFlightMax` at a time. After a failure no task starts, and
 * the promise rejects with the first failure once the running ones have settled: nothing keeps
 * writing behind the caller's back.
 */
export async function forEachConcurrently<T>(items: readonly T[], inFlightMax: number, task: (item: T) => Promise<void>): Promise<void> {
  assert(inFlightMax > 0, 'inFlightMax must be positive');
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const run = async (): Promise<void> => {
    for (let index = next++; failure === undefined && index < items.length; index = next++) {
      try {
        await task(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlightMax, items.length) }, run));
  if (failure !== undefined) throw failure.error;
}
