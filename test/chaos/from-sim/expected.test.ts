import { describe, expect, it } from 'vitest';
import { expectedEntries } from '../../../chaos/from-sim/expected.js';
import { planOf } from '../../../chaos/from-sim/plan.js';
import { ChaosNode } from '../../../chaos/cluster/chaos-node.js';
import type { Step } from '../../../sim/scenario.js';
import { simScenario, write } from './support.js';

/** A primary, never started, that was sent writes 0..sent-1 and acknowledged those in `acked`. */
function primaryThat(sent: number, acked: readonly number[], refused: readonly number[] = []): ChaosNode {
  const primary = new ChaosNode('primary', 'fs:/nowhere', 0, []);
  for (let index = 0; index < sent; index += 1) primary.sent.add(index);
  for (const index of acked) primary.acked.add(index);
  for (const index of refused) primary.refused.add(index);
  return primary;
}

function expected(steps: readonly Step[], primary: ChaosNode): [string, string | null][] {
  return expectedEntries(planOf(simScenario(steps)), primary).map((entry) => [entry.path, entry.value]);
}

const del = (relativePath: string): Step => ({ kind: 'write', call: { method: 'deleteWithReplication', relativePath } });

describe('--from-sim: what the acknowledged writes leave in every storage', () => {
  it('the last acknowledged write of each path decides: a value, or its absence', () => {
    expect(expected([write('a', '1'), write('b', '2'), write('a', '3'), del('b')], primaryThat(4, [0, 1, 2, 3]))).toEqual([['a', '3'], ['b', null]]);
  });

  it('a later write that may have been applied (sent, unanswered) hides the earlier one; a refused or unsent one does not', () => {
    expect(expected([write('a', '1'), write('a', '2')], primaryThat(2, [0]))).toEqual([]);
    expect(expected([write('a', '1'), write('a', '2')], primaryThat(2, [0], [1]))).toEqual([['a', '1']]);
    expect(expected([write('a', '1'), write('a', '2')], primaryThat(1, [0]))).toEqual([['a', '1']]);
  });

  it('expiring values, tag and TTL changes and flushes are left to the storages equality check', () => {
    const steps: Step[] = [write('a', '1', 60), write('b', '2'), { kind: 'write', call: { method: 'setTags', path: 'b', tags: ['t'] } }, write('c', '3'), { kind: 'write', call: { method: 'flush', db: null, namespace: null } }, write('d', '4')];
    expect(expected(steps, primaryThat(6, [0, 1, 2, 3, 4, 5]))).toEqual([['d', '4']]);
  });

  it('writes refused while the primary was down are never expected', () => {
    expect(expected([{ kind: 'crash', node: 'primary' }, write('a', '1'), { kind: 'restart', node: 'primary' }, write('b', '2')], primaryThat(1, [0]))).toEqual([['b', '2']]);
  });
});
