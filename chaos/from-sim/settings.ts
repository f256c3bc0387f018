/** A scenario's settings (limits, timing, wire formats, tokens, bounds) as the lab's node options, and the time scale. */
import { DEFAULT_LIMITS, DEFAULT_TIMING, type Limits, type Timing } from '../../src/core/limits.js';
import { SIM_LIMITS, SIM_TIMING } from '../../sim/options.js';
import type { Scenario } from '../../sim/scenario.js';
import type { NodeOptions } from '../cluster/node-options.js';
import { FROM_SIM_LIMITS } from './limits.js';
import { labNode, simNodeNames } from './names.js';
import type { Treatment } from './verbs.js';

/** One line of the mapping: what of the scenario, how the lab runs it. */
export interface MappingNote {
  readonly what: string;
  readonly treatment: Treatment;
  readonly how: string;
}

export interface Settings {
  /** Wall-clock ms per simulated ms. */
  readonly timeScale: number;
  /** By the lab's node name. */
  readonly nodeOptions: Readonly<Record<string, NodeOptions>>;
  readonly limits: Limits;
  readonly notes: readonly MappingNote[];
}

/**
 * One simulated ms is `timeScale` wall-clock ms: 1 unless the scenario's replication or handshake
 * timeout is shorter than real processes need, then as much as brings it there. Every duration
 * scales alike (timing, pauses, delays), so the scenario keeps its proportions.
 */
export function timeScaleOf(timing: Timing): number {
  return Math.max(1, FROM_SIM_LIMITS.realTimeoutMsMin / timing.replicationTimeoutMs, FROM_SIM_LIMITS.realTimeoutMsMin / timing.handshakeTimeoutMs);
}

function scaled(timing: Timing, timeScale: number): Timing {
  return Object.fromEntries(Object.entries(timing).map(([name, ms]) => [name, Math.round(ms * timeScale)])) as unknown as Timing;
}

/** The one token every node holds, null for none; undefined when they differ (some node is refused in the simulator). */
function sharedToken(scenario: Scenario): string | null | undefined {
  const tokens = new Set(simNodeNames(scenario.secondaries).map((name) => scenario.authTokens?.[name] ?? null));
  return tokens.size === 1 ? [...tokens][0] : undefined;
}

function tokenNote(token: string | null | undefined): MappingNote[] {
  if (token === null) return [];
  if (token === undefined) return [{ what: 'authTokens', treatment: 'skipped', how: "the nodes' tokens differ: a refused secondary never starts in the lab (its start waits for a first sync), so no node gets one" }];
  return [{ what: 'authTokens', treatment: 'exact', how: 'the one token, on every node' }];
}

export function settingsOf(scenario: Scenario): Settings {
  const limits = { ...DEFAULT_LIMITS, ...(scenario.limits ?? SIM_LIMITS) };
  const simTiming = { ...DEFAULT_TIMING, ...(scenario.timing ?? SIM_TIMING) };
  const timeScale = timeScaleOf(simTiming);
  const timing = scaled(simTiming, timeScale);
  const token = sharedToken(scenario);
  const nodeOptions = Object.fromEntries(
    simNodeNames(scenario.secondaries).map((name) => [labNode(name), { limits, timing, wireFormat: scenario.wireFormats?.[name] ?? 'json', ...(typeof token === 'string' ? { authToken: token } : {}) }]),
  );
  const notes: MappingNote[] = [
    { what: `seed ${scenario.seed}`, treatment: 'skipped', how: "it drives the simulated network's and disks' dice; real processes have none" },
    { what: 'limits', treatment: 'exact', how: `${scenario.limits === undefined ? "the simulator's SIM_LIMITS" : "the scenario's"}, on every node` },
    { what: 'timing', treatment: timeScale === 1 ? 'exact' : 'approximate', how: `${scenario.timing === undefined ? "the simulator's SIM_TIMING" : "the scenario's"}, every duration times ${timeScale}, on every node` },
    { what: 'wireFormats', treatment: 'exact', how: "each node's, JSON where the scenario names none (as in the simulator)" },
    ...tokenNote(token),
    { what: 'livenessBoundMs', treatment: 'approximate', how: "the lab's own bound: every secondary must report the primary's position within 60 s of healing" },
    ...(scenario.fullResyncsMax === undefined ? [] : [{ what: `fullResyncsMax ${scenario.fullResyncsMax}`, treatment: 'exact' as const, how: "checked against the primary's /stats once converged" }]),
    ...(scenario.heldWritesStallMsMax === undefined ? [] : [{ what: `heldWritesStallMsMax ${scenario.heldWritesStallMsMax}`, treatment: 'skipped' as const, how: "the simulator's measure of how long writes were held with none taken: the lab's writers do not time theirs" }]),
  ];
  return { timeScale, nodeOptions, limits, notes };
}
