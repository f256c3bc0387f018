import { describe, expect, it } from 'vitest';
import { formatOptions, formatStats } from '../../../sim/cli/format.js';
import { swarmOptions } from '../../../sim/options.js';

describe('formatOptions', () => {
  it('names each node\'s token for a seed that drew auth, and prints no auth line for one that did not', () => {
    expect(formatOptions(swarmOptions(2))).toContain('  auth      primary=sim-token s1=wrong-token s2=wrong-token s3=sim-token');
    expect(formatOptions(swarmOptions(5)).some((line) => line.startsWith('  auth'))).toBe(false);
  });
});

describe('formatStats', () => {
  it('tells the writes held back and the waits for secondaries, which the checkers judge', () => {
    const stats = { virtualMs: 2_000, steps: 10, segmentsDelivered: 20, writesAccepted: 7, writesRefused: 1, writesHeld: 3, replicaWaits: 4, replicaWaitsAcknowledged: 2, faultsInjected: 0, traceEvents: 30 };
    const line = formatStats(stats, 1_000);
    expect(line).toContain('writes 7 accepted / 1 refused (3 held back first)');
    expect(line).toContain('2 of 4 waits for secondaries acknowledged');
    expect(formatStats({ ...stats, writesHeld: 0 }, 1_000)).not.toContain('held back');
  });
});
