/**
 * A scenario's probabilistic faults against real processes: the network's as toxics on every
 * link for the whole run (the simulator's run them until it heals too), the rest reported as
 * having no counterpart.
 */
import { PRIMARY } from '../../sim/network.js';
import type { NetworkFaults } from '../../sim/options.js';
import type { Scenario } from '../../sim/scenario.js';
import type { PlanAction, Stream, ToxicSpec } from './actions.js';
import { labSecondary, simNodeNames } from './names.js';
import type { MappingNote } from './settings.js';

const STREAMS: readonly Stream[] = ['downstream', 'upstream'];
/** The simulator's delay when no delay fault is on: loopback's, no toxic needed. */
const PLAIN_DELAY_MS = 1;
/** Pieces of a re-chunked segment: small enough to cut frames and their length prefixes. */
const SLICE = { average_size: 64, size_variation: 32, delay: 0 } as const;

type NetworkField = keyof NetworkFaults;

/** The network faults with a toxic of their own, and how close it comes. */
const NETWORK_NOTES: Readonly<Record<Exclude<NetworkField, 'delayMinMs'>, Omit<MappingNote, 'what'>>> = {
  delayJitterMeanMs: { treatment: 'approximate', how: 'latency toxic, the mean delay ± the mean jitter (uniform), where the simulator draws an exponential jitter' },
  rechunkProbability: { treatment: 'approximate', how: 'slicer toxic (64 ± 32 bytes) on every chunk, where the simulator re-chunks that share of segments' },
  resetProbability: { treatment: 'approximate', how: 'reset_peer toxic (timeout 0) with that toxicity: rolled once per connection, where the simulator rolls per segment' },
  dropProbability: { treatment: 'skipped', how: 'no counterpart: TCP never loses part of a stream, and no toxic drops one segment' },
  duplicateProbability: { treatment: 'skipped', how: 'no counterpart: no toxic duplicates a segment' },
  reorderProbability: { treatment: 'skipped', how: 'no counterpart: TCP delivers in order' },
  corruptProbability: { treatment: 'skipped', how: 'no counterpart: no toxic flips a bit (TCP checksums would catch most)' },
};

/** A link's network faults: the shared ones, then the primary's own, then the secondary's. */
function linkFaults(scenario: Scenario, secondary: string): NetworkFaults {
  const own = scenario.faults.nodeFaults;
  return { ...scenario.faults.network, ...own?.[PRIMARY]?.link, ...own?.[secondary]?.link };
}

function toxicsOf(faults: NetworkFaults, timeScale: number): Omit<ToxicSpec, 'stream' | 'name'>[] {
  const toxics: Omit<ToxicSpec, 'stream' | 'name'>[] = [];
  if (faults.delayMinMs > PLAIN_DELAY_MS || faults.delayJitterMeanMs > 0) {
    const attributes = { latency: Math.round((faults.delayMinMs + faults.delayJitterMeanMs) * timeScale), jitter: Math.round(faults.delayJitterMeanMs * timeScale) };
    toxics.push({ type: 'latency', toxicity: 1, attributes });
  }
  if (faults.rechunkProbability > 0) toxics.push({ type: 'slicer', toxicity: 1, attributes: SLICE });
  if (faults.resetProbability > 0) toxics.push({ type: 'reset_peer', toxicity: faults.resetProbability, attributes: { timeout: 0 } });
  return toxics;
}

/** The toxics every link carries from the start, both ways. */
export function standingToxics(scenario: Scenario, timeScale: number): PlanAction[] {
  return simNodeNames(scenario.secondaries).slice(1).flatMap((secondary) =>
    toxicsOf(linkFaults(scenario, secondary), timeScale).flatMap((toxic) =>
      STREAMS.map((stream): PlanAction => ({ kind: 'addToxic', link: labSecondary(secondary), toxic: { ...toxic, stream, name: `${toxic.type}-${stream}` } })),
    ),
  );
}

function networkNotes(scenario: Scenario): MappingNote[] {
  const links = simNodeNames(scenario.secondaries).slice(1).map((secondary) => linkFaults(scenario, secondary));
  const on = (field: NetworkField): boolean => links.some((faults) => (field === 'delayMinMs' ? faults[field] > PLAIN_DELAY_MS : faults[field] > 0));
  return Object.entries(NETWORK_NOTES).flatMap(([field, note]) => {
    const active = on(field as NetworkField) || (field === 'delayJitterMeanMs' && on('delayMinMs'));
    return active ? [{ what: `faults: ${field === 'delayJitterMeanMs' ? 'network delay' : field}`, ...note }] : [];
  });
}

/** Disk and clock faults, shared or a node's own: none has a counterpart on a real process. */
function hostNotes(scenario: Scenario): MappingNote[] {
  const { storage, clocks, nodeFaults = {} } = scenario.faults;
  const storages = [storage, ...Object.values(nodeFaults).map((own) => ({ ...storage, ...own.storage }))];
  const notes: MappingNote[] = [];
  const skipped = (what: string, how: string): void => void notes.push({ what: `faults: ${what}`, treatment: 'skipped', how });
  if (storages.some((faults) => faults.failProbability > 0)) skipped('storage failures', 'no counterpart: fs and Redis storage fail only by themselves');
  if (storages.some((faults) => (faults.stallProbability ?? 0) > 0 || faults.latencyMeanMs > PLAIN_DELAY_MS)) skipped('storage latency and stalls', 'no counterpart: the storage runs at its own speed (the Redis link can take toxics in other scenarios)');
  if (storages.some((faults) => faults.durability === 'lazy')) skipped('lazy durability', 'no counterpart: a SIGKILL keeps what the process wrote, where the simulated disk loses what was not synced');
  if (clocks.offsetMaxMs > 0 || clocks.driftMaxPpm > 0) skipped('clock offsets and drift', "no counterpart: every process reads this host's clock");
  return notes;
}

/** One note per probabilistic fault the scenario turns on. */
export function faultNotes(scenario: Scenario): MappingNote[] {
  return [...networkNotes(scenario), ...hostNotes(scenario)];
}
