import type { Scenario } from './scenario.js';
import { waitWorkloadDone } from './waits.js';

const OPERATION_LOG_MAX = 50;

/** secondary-2's proxy is down while the primary writes more than its operation log keeps. */
export const partitionPastLog: Scenario = {
  name: 'partition-past-log',
  faults: [`secondary-2's proxy disabled (connections refused and cut) during the whole workload, 4× the operation log of ${OPERATION_LOG_MAX}`],
  writes: 4 * OPERATION_LOG_MAX,
  maxOperationLog: OPERATION_LOG_MAX,
  async inject(cluster, { timeline }) {
    const { node: secondary, link } = cluster.secondary('secondary-2');
    const before = await secondary.stats();
    timeline.begin("secondary-2's link disabled");
    await link.update({ enabled: false, listen: link.listen, upstream: link.upstream });
    cluster.primary.startWorkload();
    await waitWorkloadDone(cluster);
    // Past the log, only a full resync can bring the secondary back.
    return async () => {
      const after = await secondary.stats();
      return after.fullResyncs > before.fullResyncs ? [] : ['secondary-2 converged without a full resync: the outage did not outrun the log'];
    };
  },
};
