import { PRIMARY } from './network.js';
import { CLOCK_JUMP_MS_MAX, type ScheduledFaults } from './options.js';
import type { Prng } from './prng.js';
import type { Simulation } from './simulation.js';

/** One scheduled fault: a moment and what happens then. */
export interface ScheduledAction {
  readonly atMs: number;
  readonly label: string;
  readonly run: (sim: Simulation) => void;
}

/**
 * Draws the safety phase's fault schedule: each kind of fault at its rate (a Poisson process),
 * each lasting up to faultDurationMaxMs before it is undone. Swizzle-clog clogs a random subset of
 * nodes one by one and unclogs them in another order.
 */
export function drawSchedule(prng: Prng, rates: ScheduledFaults, secondaries: readonly string[], startMs: number, durationMs: number): ScheduledAction[] {
  const actions: ScheduledAction[] = [];
  const pick = (): string => secondaries[prng.below(secondaries.length)] ?? 's1';
  const lasting = (): number => 1 + prng.below(Math.max(1, rates.faultDurationMaxMs));
  for (const atMs of poisson(prng, rates.partitionsPerMinute, startMs, durationMs)) {
    const node = pick();
    const oneway = prng.below(3) === 0;
    const towardPrimary = prng.below(2) === 0;
    const [from, to] = towardPrimary ? [node, PRIMARY] : [PRIMARY, node];
    actions.push({ atMs, label: oneway ? `partition ${from}->${to}` : `partition ${node}`, run: (sim) => (oneway ? sim.partitionOneway(from, to) : sim.partition(node)) });
    actions.push({ atMs: atMs + lasting(), label: `repair ${node}`, run: (sim) => sim.repair(node) });
  }
  for (const atMs of poisson(prng, rates.crashesPerMinute, startMs, durationMs)) {
    const node = pick();
    actions.push({ atMs, label: `crash ${node}`, run: (sim) => sim.crash(node) });
    actions.push({ atMs: atMs + lasting(), label: `restart ${node}`, run: (sim) => restartIfDown(sim, node) });
  }
  for (const atMs of poisson(prng, rates.clogsPerMinute, startMs, durationMs)) actions.push(...swizzleClog(prng, [PRIMARY, ...secondaries], atMs, lasting()));
  for (const atMs of poisson(prng, rates.clockJumpsPerMinute, startMs, durationMs)) {
    const node = prng.below(secondaries.length + 1) === 0 ? PRIMARY : pick();
    const deltaMs = prng.below(2 * CLOCK_JUMP_MS_MAX + 1) - CLOCK_JUMP_MS_MAX;
    actions.push({ atMs, label: `clock ${node} ${deltaMs > 0 ? '+' : ''}${deltaMs}ms`, run: (sim) => sim.skewClock(node, deltaMs) });
  }
  for (const atMs of poisson(prng, rates.primaryRestartsPerMinute, startMs, durationMs)) {
    actions.push({ atMs, label: 'crash primary', run: (sim) => sim.crash(PRIMARY) });
    actions.push({ atMs: atMs + 1 + prng.below(2_000), label: 'restart primary', run: (sim) => restartIfDown(sim, PRIMARY) });
  }
  // Last, so that a seed without data losses draws every other fault as before they existed.
  for (const atMs of poisson(prng, rates.dataLossesPerMinute ?? 0, startMs, durationMs)) {
    const node = pick();
    actions.push({ atMs, label: `lose data ${node}`, run: (sim) => sim.loseData(node) });
  }
  return actions.sort((a, b) => a.atMs - b.atMs);
}

function swizzleClog(prng: Prng, nodes: readonly string[], atMs: number, durationMs: number): ScheduledAction[] {
  const chosen = shuffle(prng, nodes).slice(0, 1 + prng.below(nodes.length));
  const stepMs = Math.max(1, Math.floor(durationMs / (2 * chosen.length)));
  const actions: ScheduledAction[] = chosen.map((node, i) => ({ atMs: atMs + i * stepMs, label: `clog ${node}`, run: (sim) => sim.clog(node) }));
  const unclogAtMs = atMs + chosen.length * stepMs;
  shuffle(prng, chosen).forEach((node, i) => actions.push({ atMs: unclogAtMs + i * stepMs, label: `unclog ${node}`, run: (sim) => sim.unclog(node) }));
  return actions;
}

function restartIfDown(sim: Simulation, node: string): void {
  if (!sim.host(node).up) sim.restart(node);
}

/** Event times of a Poisson process with `perMinute` events a minute over the window. */
function poisson(prng: Prng, perMinute: number, startMs: number, durationMs: number): number[] {
  const times: number[] = [];
  if (perMinute <= 0) return times;
  const meanGapMs = 60_000 / perMinute;
  for (let atMs = startMs; ; ) {
    atMs += Math.max(1, Math.round(-meanGapMs * Math.log(1 - prng.nextFloat())));
    if (atMs >= startMs + durationMs) return times;
    times.push(atMs);
  }
}

function shuffle<T>(prng: Prng, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = prng.below(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
