import { describe, expect, it } from 'vitest';
import { formatOptions } from '../../../sim/cli/format.js';
import { swarmOptions } from '../../../sim/options.js';

describe('formatOptions', () => {
  it('names each node\'s token for a seed that drew auth, and prints no auth line for one that did not', () => {
    expect(formatOptions(swarmOptions(2))).toContain('  auth      primary=sim-token s1=wrong-token s2=wrong-token s3=sim-token');
    expect(formatOptions(swarmOptions(5)).some((line) => line.startsWith('  auth'))).toBe(false);
  });
});
