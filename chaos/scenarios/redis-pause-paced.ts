import { setTimeout as sleep } from 'node:timers/promises';
import { FAST_TIMING } from '../../harness/fast-timing.js';
import { DEFAULT_TIMING } from '../../src/core/limits.js';
import { waitApplied } from './redis-outage.js';
import type { Scenario } from './scenario.js';

const WRITES = 400;
/** Far shorter than the workload: the primary's writes need secondary-1's part of it within a few batches. */
const OPERATION_LOG_MAX = 20;
/**
 * The primary's log by bytes, what it keeps beyond that for a secondary behind, and its window to
 * a secondary: a few dozen of the workload's writes each (at their JSON bound, about 900 B), so
 * that a frozen secondary-1 needs the whole backlog within a second. The frame bounds shrink with
 * the window, which must hold a frame.
 */
const PACED_LIMITS = { outboundBudgetBytes: 32 * 1024, logBytesMax: 16 * 1024, replicaBacklogBytesMax: 32 * 1024, frameBytesMax: 32 * 1024, valueBytesMax: 16 * 1024, batchBytesMax: 8 * 1024, snapshotChunkBytesMax: 8 * 1024 };
/** The nodes' own: pacing lets a secondary go once its acknowledgements have not moved for this long. */
const PACING_STALL_MS = FAST_TIMING.pacingStallMs ?? DEFAULT_TIMING.pacingStallMs;
/** Five times the stall bound: a primary that let go of secondary-1 in time has written the rest of the workload by then. */
const PAUSE_MS = 5 * PACING_STALL_MS;
/**
 * Writes the primary may acknowledge during the pause and still hold its writers for secondary-1:
 * its log and backlog take about 50 of the workload's writes (at their JSON bound, about 900 B),
 * its window to secondary-1 about 25 more, and the primary was ahead of secondary-1 when the pause
 * began. With the heartbeats' bytes counted as progress it acknowledged 124 of the 300 left.
 */
const HELD_ACKS_MAX = 200;
/**
 * The primary closes a secondary whose window stays full for replicationTimeoutMs (the lab's 2 s),
 * which would free the writers early whatever pacing did: here it outlasts the pause.
 */
const PRIMARY_TIMING = { ...FAST_TIMING, replicationTimeoutMs: 6 * PAUSE_MS };
const ACKED_FIGURE = 'writes the primary acknowledged while secondary-1 was frozen';
const LEFT_FIGURE = 'writes left when secondary-1 froze';

/**
 * secondary-1's Redis frozen (`docker pause`, or SIGSTOP for a process) under a short operation
 * log, once it has applied a quarter of the workload. Its link stays up and it goes on
 * acknowledging heartbeats, but none of the data it holds unapplied: the primary's writes pace
 * it for PACING_STALL_MS, then go on without it (it falls out of the log's backlog, and resyncs
 * once thawed).
 * Until 2026-12-07 the primary counted the heartbeats' acknowledged bytes as progress, so with
 * heartbeats more often than the stall bound (the lab's timing) every writer waited for the thaw.
 */
export const redisPausePaced: Scenario = {
  name: 'redis-pause-paced',
  faults: [`secondary-1's Redis paused for ${PAUSE_MS} ms (5× the pacing stall bound) under an operation log of ${OPERATION_LOG_MAX} and a window and backlog of ${PACED_LIMITS.replicaBacklogBytesMax / 1024} KiB, once it has applied 1/4 of the workload`],
  writes: WRITES,
  maxOperationLog: OPERATION_LOG_MAX,
  nodeOptions: (node) => (node === 'primary' ? { limits: PACED_LIMITS, timing: PRIMARY_TIMING } : {}),
  redisNodes: ['secondary-1'],
  async inject(cluster, { redis, timeline }, figures) {
    if (redis === null) throw new Error('redis-pause-paced needs a Redis to pause, and the lab has none');
    const { node: secondary } = cluster.secondary('secondary-1');
    const before = await secondary.stats();
    cluster.primary.startWorkload();
    await waitApplied(cluster, 'secondary-1', WRITES / 4);
    const paused = timeline.begin("secondary-1's Redis paused");
    await redis.pause();
    const ackedAtPause = cluster.primary.acked.size;
    await sleep(PAUSE_MS);
    figures[ACKED_FIGURE] = cluster.primary.acked.size - ackedAtPause;
    figures[LEFT_FIGURE] = WRITES - ackedAtPause;
    await redis.unpause();
    paused();
    // Written past what its backlog keeps, secondary-1 can only come back by a full resync.
    return async () => {
      const after = await secondary.stats();
      return [...pacingProblems(figures), ...(after.fullResyncs > before.fullResyncs ? [] : ['secondary-1 converged without a full resync: the writes waited for it'])];
    };
  },
};

function pacingProblems(figures: Readonly<Record<string, number>>): string[] {
  const acked = figures[ACKED_FIGURE] ?? 0;
  const left = figures[LEFT_FIGURE] ?? 0;
  if (left <= HELD_ACKS_MAX) return [`only ${left} writes were left when secondary-1's Redis froze: the pause tested nothing`];
  if (acked > HELD_ACKS_MAX) return [];
  return [`the primary acknowledged ${acked} of ${left} writes in the ${PAUSE_MS} ms that secondary-1's storage was frozen: its writers waited for a secondary that acknowledged nothing but heartbeats (pacingStallMs ${PACING_STALL_MS})`];
}
