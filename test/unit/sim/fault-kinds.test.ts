import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, keepFaults, parseFaultKinds } from '../../../sim/fault-kinds.js';
import { swarmOptions } from '../../../sim/options.js';
import { replayCommand } from '../../../sim/run.js';

/** A seed that draws every kind of fault, so that turning kinds off is visible. */
function busySeed(): number {
  for (let seed = 1; ; seed += 1) {
    const { network, storage, clocks, scheduled } = swarmOptions(seed).faults;
    if (network.dropProbability > 0 && storage.failProbability > 0 && clocks.driftMaxPpm > 0 && scheduled.partitionsPerMinute > 0 && scheduled.crashesPerMinute > 0) return seed;
  }
}

describe('fault kinds', () => {
  it('keeps the seed\'s strengths for the kinds listed and turns the others off', () => {
    const seed = busySeed();
    const drawn = swarmOptions(seed).faults;
    const kept = swarmOptions(seed, { faults: ['network', 'crashes'] });
    expect(kept.faults.network).toEqual(drawn.network);
    expect(kept.faults.scheduled.crashesPerMinute).toBe(drawn.scheduled.crashesPerMinute);
    expect(kept.faults.scheduled.partitionsPerMinute).toBe(0);
    expect(kept.faults.storage.failProbability).toBe(0);
    expect(kept.faults.clocks).toEqual({ offsetMaxMs: 0, driftMaxPpm: 0 });
    // The rest of the draw does not move.
    expect(kept.workload).toEqual(swarmOptions(seed).workload);
  });

  it('draws data losses for some seeds only, names them only then, and counts them as storage faults', () => {
    const seeds = Array.from({ length: 200 }, (_, index) => index + 1);
    const lossy = seeds.filter((seed) => swarmOptions(seed).faults.scheduled.dataLossesPerMinute !== undefined);
    expect(lossy.length).toBeGreaterThan(10);
    expect(lossy.length).toBeLessThan(60);
    const seed = lossy[0] ?? 0;
    expect(swarmOptions(seed).faults.scheduled.dataLossesPerMinute).toBeGreaterThan(0);
    expect(swarmOptions(seed, { faults: ['storage'] }).faults.scheduled.dataLossesPerMinute).toBeGreaterThan(0);
    expect(swarmOptions(seed, { faults: ['crashes'] }).faults.scheduled.dataLossesPerMinute).toBe(0);
    expect('dataLossesPerMinute' in swarmOptions(seeds.find((each) => !lossy.includes(each)) ?? 0).faults.scheduled).toBe(false);
  });

  it('none leaves delays and latency, but no fault', () => {
    const faults = keepFaults(swarmOptions(busySeed()).faults, []);
    expect(faults.network.dropProbability + faults.network.corruptProbability + faults.network.resetProbability).toBe(0);
    expect(faults.network.delayMinMs).toBeGreaterThan(0);
    expect(Object.entries(faults.scheduled).filter(([name, rate]) => name.endsWith('PerMinute') && rate !== 0)).toEqual([]);
  });

  it('parses all, none and lists, refuses unknown kinds, and the replay command carries the list', () => {
    expect(parseFaultKinds('all')).toEqual([...FAULT_KINDS]);
    expect(parseFaultKinds('none')).toEqual([]);
    expect(parseFaultKinds('clogs,clock-jumps')).toEqual(['clogs', 'clock-jumps']);
    expect(() => parseFaultKinds('network,weather')).toThrow(/weather/);
    expect(replayCommand(swarmOptions(3, { faults: ['storage'] }))).toMatch(/ --faults storage$/);
    expect(replayCommand(swarmOptions(3, { faults: [] }))).toMatch(/ --faults none$/);
    expect(replayCommand(swarmOptions(3))).not.toMatch(/--faults/);
  });
});
