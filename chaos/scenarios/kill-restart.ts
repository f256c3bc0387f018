import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';
import { waitAcked } from './waits.js';

const WRITES = 400;

/** secondary-2 dies by SIGKILL mid-stream and comes back on the same fs storage. */
export const killRestart: Scenario = {
  name: 'kill-restart',
  faults: ['kill -9 of secondary-2 (fs storage) at 1/4 of the workload', 'restart of secondary-2 on the same storage at 1/2'],
  writes: WRITES,
  maxOperationLog: LOG_HOLDING_WORKLOAD,
  async inject(cluster, { timeline }) {
    const { node: secondary } = cluster.secondary('secondary-2');
    cluster.primary.startWorkload();
    await waitAcked(cluster, WRITES / 4);
    const down = timeline.begin('secondary-2 killed');
    await secondary.kill9();
    await waitAcked(cluster, WRITES / 2);
    await secondary.start();
    down();
    // The operation log holds the whole workload: the restarted process resumes from its stored cursor.
    return async () => {
      const stats = await secondary.stats();
      return stats.fullResyncs === 0 ? [] : [`restarted secondary-2 made ${stats.fullResyncs} full resyncs instead of resuming`];
    };
  },
};
