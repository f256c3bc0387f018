import { waitUntil } from '../../harness/waits.js';
import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';
import { waitAcked, WORKLOAD_TIMEOUT_MS } from './waits.js';

const WRITES = 600;
const ROUNDS = 3;
/** A few dozen of the workload's writes: each round's cut comes well before the workload ends. */
const LIMIT_BYTES = 8_000;

/** secondary-1's link ends after a few KB, three times during the workload; the log holds it all, so it resumes each time. */
export const dataLimit: Scenario = {
  name: 'data-limit',
  faults: [`limit_data ${LIMIT_BYTES} B on secondary-1 downstream, added at 1/4, 2/4 and 3/4 of the workload and removed once it has cut the link`],
  writes: WRITES,
  maxOperationLog: LOG_HOLDING_WORKLOAD,
  async inject(cluster, { timeline }, figures) {
    const { node: secondary, link } = cluster.secondary('secondary-1');
    const before = await secondary.secondaryStats();
    cluster.primary.startWorkload();
    let cuts = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      await waitAcked(cluster, (round * WRITES) / (ROUNDS + 1));
      const reconnections = (await secondary.secondaryStats()).primary.reconnections;
      const limitEnded = timeline.begin(`limit_data on secondary-1 downstream, round ${round}`);
      const limit = await link.addToxic({ name: 'limit', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: LIMIT_BYTES } });
      // Bounded by the workload rather than a clock: a limit the stream never reaches is a failed check, not a hang.
      await waitUntil(async () => (await secondary.secondaryStats()).primary.reconnections > reconnections || cluster.primary.done, 'limit_data to cut the link', WORKLOAD_TIMEOUT_MS);
      if ((await secondary.secondaryStats()).primary.reconnections > reconnections) cuts += 1;
      await limit.remove();
      limitEnded();
    }
    figures['rounds in which limit_data cut the link'] = cuts;
    return async () => {
      const after = await secondary.secondaryStats();
      figures['partial resyncs'] = after.partialResyncs - before.partialResyncs;
      return [
        ...(cuts === ROUNDS ? [] : [`limit_data cut secondary-1's link in ${cuts} of ${ROUNDS} rounds`]),
        ...(after.partialResyncs - before.partialResyncs >= ROUNDS ? [] : [`secondary-1 resumed from the log ${after.partialResyncs - before.partialResyncs} times for ${ROUNDS} cuts`]),
        ...(after.fullResyncs === before.fullResyncs ? [] : [`secondary-1 made ${after.fullResyncs - before.fullResyncs} full resyncs though the log held the workload`]),
      ];
    };
  },
};
