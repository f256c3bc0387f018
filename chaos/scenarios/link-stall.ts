import type { ChaosNode } from '../cluster/chaos-node.js';
import { waitUntil } from '../../harness/waits.js';
import { LOG_HOLDING_WORKLOAD, type Scenario } from './scenario.js';
import { waitAcked, WORKLOAD_TIMEOUT_MS } from './waits.js';

const WRITES = 400;

/**
 * Each secondary's link stops passing data one way (timeout 0: dropped, never closed) until the
 * side that no longer hears the other closes it on its own replication timeout; then the stall ends.
 */
export const linkStall: Scenario = {
  name: 'link-stall',
  faults: [
    'timeout 0 on secondary-1 downstream from 1/4 of the workload, until secondary-1 closes the silent link itself',
    'then timeout 0 on secondary-2 upstream, until the primary closes the silent link itself',
  ],
  writes: WRITES,
  maxOperationLog: LOG_HOLDING_WORKLOAD,
  async inject(cluster, { timeline }) {
    const { node: first, link: firstLink } = cluster.secondary('secondary-1');
    const { node: second, link: secondLink } = cluster.secondary('secondary-2');
    const reconnectionsBefore = await Promise.all([first, second].map(async (node) => (await node.secondaryStats()).primary.reconnections));
    cluster.primary.startWorkload();
    await waitAcked(cluster, WRITES / 4);
    // Nothing closes these links but the nodes' own timers; removing a timeout toxic would close them, so the wait comes first.
    const downstreamEnded = timeline.begin('timeout 0 on secondary-1 downstream');
    const downstream = await firstLink.addToxic({ name: 'stall', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    await waitTimedOut(first, 'secondary-1 to close its silent link on its own timer');
    await downstream.remove();
    downstreamEnded();
    const upstreamEnded = timeline.begin('timeout 0 on secondary-2 upstream');
    const upstream = await secondLink.addToxic({ name: 'stall', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    await waitTimedOut(cluster.primary, "the primary to close secondary-2's silent link on its own timer");
    await upstream.remove();
    upstreamEnded();
    return async () => {
      const reconnectionsAfter = await Promise.all([first, second].map(async (node) => (await node.secondaryStats()).primary.reconnections));
      return [first, second].flatMap((node, index) =>
        (reconnectionsAfter[index] ?? 0) > (reconnectionsBefore[index] ?? 0) ? [] : [`${node.name} never reconnected after its stalled link was closed`],
      );
    };
  },
};

/** Returns once `node` has closed one more link on its own timer than when called. */
async function waitTimedOut(node: ChaosNode, what: string): Promise<void> {
  const before = await node.timedOutLinks();
  await waitUntil(async () => (await node.timedOutLinks()) > before, what, WORKLOAD_TIMEOUT_MS);
}
