import { secondaryName, type SecondaryName } from '../cluster/cluster.js';
import { PRIMARY } from '../../sim/network.js';
import type { LabNode } from './actions.js';

/** A simulator's node names ('primary', 's1', ...) in a scenario of `secondaries`. */
export function simNodeNames(secondaries: number): string[] {
  return [PRIMARY, ...Array.from({ length: secondaries }, (_, index) => `s${index + 1}`)];
}

/** The lab's name for a simulator's secondary: s1 is secondary-1. */
export function labSecondary(simName: string): SecondaryName {
  return secondaryName(Number(simName.slice(1)) - 1);
}

/** The lab's name for any simulator's node. */
export function labNode(simName: string): LabNode {
  return simName === PRIMARY ? PRIMARY : labSecondary(simName);
}
