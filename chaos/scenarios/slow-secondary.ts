import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { waitUntil } from '../../harness/waits.js';
import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';
import { WORKLOAD_TIMEOUT_MS } from './waits.js';

const WRITES = 400;
/** KB/s: the workload's few hundred bytes a write reach secondary-1 many times slower than they are written. */
const RATE_KB_PER_S = 4;
/** Operations behind the primary that count as "far behind": secondary-1 must be, when the workload ends and when secondary-2 has caught up. */
const BEHIND_OPERATIONS = WRITES / 4;
/**
 * What the primary (default limits) may hold for a slow secondary beyond its baseline: the
 * unacknowledged window, and the log it keeps for it (its bytes, plus the backlog kept for
 * connected secondaries). V8's own growth under load (30 MiB here for this workload) fits in it.
 */
const RSS_GROWTH_BYTES_MAX = DEFAULT_LIMITS.outboundBudgetBytes + DEFAULT_LIMITS.logBytesMax + DEFAULT_LIMITS.replicaBacklogBytesMax;

function mebibytes(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

/** secondary-1's link is a few KB/s under a burst of writes: the primary and secondary-2 must not wait for it. */
export const slowSecondary: Scenario = {
  name: 'slow-secondary',
  faults: [`bandwidth ${RATE_KB_PER_S} KB/s on secondary-1 downstream during the whole workload`],
  writes: WRITES,
  maxOperationLog: LOG_HOLDING_WORKLOAD,
  async inject(cluster, { timeline }, figures) {
    const { node: slow, link } = cluster.secondary('secondary-1');
    const { node: other } = cluster.secondary('secondary-2');
    timeline.begin('bandwidth on secondary-1 downstream');
    await link.addToxic({ name: 'bandwidth', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: RATE_KB_PER_S } });
    const rssBaselineBytes = await cluster.primary.rssBytes();
    cluster.primary.startWorkload();
    let otherLagMax = 0;
    let slowLag = 0;
    let rssPeakBytes = rssBaselineBytes;
    // A lag is the primary's applied sequence less the secondary's, both read from /stats while the workload runs.
    await waitUntil(async () => {
      const done = cluster.primary.done;
      const [primary, slowStats, otherStats, rss] = await Promise.all([cluster.primary.primaryStats(), slow.secondaryStats(), other.secondaryStats(), cluster.primary.rssBytes()]);
      otherLagMax = Math.max(otherLagMax, primary.appliedSequence - otherStats.sequenceNumber);
      slowLag = primary.appliedSequence - slowStats.sequenceNumber;
      rssPeakBytes = Math.max(rssPeakBytes, rss);
      return done;
    }, 'the workload to finish', WORKLOAD_TIMEOUT_MS);
    figures['primary RSS before the workload (MiB)'] = mebibytes(rssBaselineBytes);
    figures['primary RSS peak during the workload (MiB)'] = mebibytes(rssPeakBytes);
    figures['primary RSS growth allowed: outbound budget + log + backlog (MiB)'] = mebibytes(RSS_GROWTH_BYTES_MAX);
    const slowLagAtWorkloadEnd = slowLag;
    // secondary-2's lag in operations under a loaded machine says little; that it catches up while secondary-1 is still far behind says it was not held back.
    const { appliedSequence } = await cluster.primary.primaryStats();
    await waitUntil(async () => (await other.secondaryStats()).sequenceNumber === appliedSequence, 'secondary-2 to catch up', WORKLOAD_TIMEOUT_MS);
    const slowLagWhenOtherCaughtUp = appliedSequence - (await slow.secondaryStats()).sequenceNumber;
    figures['secondary-1 lag when the workload ended (operations)'] = slowLagAtWorkloadEnd;
    figures['secondary-1 lag when secondary-2 had caught up (operations)'] = slowLagWhenOtherCaughtUp;
    figures['secondary-2 largest lag during the workload (operations)'] = otherLagMax;
    return () =>
      Promise.resolve([
        ...(slowLagAtWorkloadEnd > BEHIND_OPERATIONS ? [] : [`secondary-1 was only ${slowLagAtWorkloadEnd} operations behind when the primary had acknowledged the whole workload: the bandwidth toxic did not slow it`]),
        ...(slowLagWhenOtherCaughtUp > BEHIND_OPERATIONS ? [] : [`secondary-2 caught up only when secondary-1 was ${slowLagWhenOtherCaughtUp} operations behind: the slow secondary-1 held it back`]),
        ...(rssPeakBytes - rssBaselineBytes <= RSS_GROWTH_BYTES_MAX
          ? []
          : [`the primary's RSS grew by ${mebibytes(rssPeakBytes - rssBaselineBytes)} MiB, past its outbound budget, log and backlog (${mebibytes(RSS_GROWTH_BYTES_MAX)} MiB)`]),
      ]);
  },
};
