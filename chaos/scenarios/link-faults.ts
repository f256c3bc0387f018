import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';
import { waitAcked } from './waits.js';

const WRITES = 400;

/** secondary-1's link is slow and cut into small pieces throughout, and reset for a while mid-stream. */
export const linkFaults: Scenario = {
  name: 'link-faults',
  faults: ['latency 20±10 ms and slicer (64±32 B, 200 µs) on secondary-1 downstream', 'reset_peer after 100 ms on secondary-1 downstream, from 1/3 to 2/3 of the workload'],
  writes: WRITES,
  maxOperationLog: LOG_HOLDING_WORKLOAD,
  async inject(cluster, { timeline }) {
    const { node: secondary, link } = cluster.secondary('secondary-1');
    timeline.begin('latency and slicer on secondary-1 downstream');
    await link.addToxic({ name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 20, jitter: 10 } });
    await link.addToxic({ name: 'slicer', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 64, size_variation: 32, delay: 200 } });
    cluster.primary.startWorkload();
    await waitAcked(cluster, WRITES / 3);
    const resetEnded = timeline.begin('reset_peer on secondary-1 downstream');
    const reset = await link.addToxic({ name: 'reset', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 100 } });
    await waitAcked(cluster, (2 * WRITES) / 3);
    await reset.remove();
    resetEnded();
    // The reset must have reached the secondary, or this scenario tested nothing.
    return async () => {
      const stats = await secondary.stats();
      return stats.mode === 'secondary' && stats.primary.reconnections > 0 ? [] : ['secondary-1 never reconnected: reset_peer did not reach it'];
    };
  },
};
