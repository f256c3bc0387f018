import { expect } from 'vitest';
import { isExpired, type Keyspace } from '../../../src/core/keyspace.js';
import type { Simulation } from '../../../sim/simulation.js';
import type { ModelEntry, PrimaryModel } from './model.js';

const decoder = new TextDecoder();
/** Far above a stalled disk's pause (up to 10 s a request in scenarioFaultsArb). */
const SETTLE_BOUND_MS = 60_000;

/** The primary's entries as the model writes them, by path; expired ones too unless `nowMs` is given. */
export function entriesOf(keyspace: Keyspace, nowMs?: number): [string, ModelEntry][] {
  const entries = [...keyspace.values()].filter((entry) => nowMs === undefined || !isExpired(entry, nowMs));
  return entries
    .map((entry): [string, ModelEntry] => [
      entry.path,
      { value: decoder.decode(entry.value), key: entry.key, db: entry.db, namespace: entry.namespace, tags: entry.tags, expiresAtMs: entry.expiresAtMs },
    ])
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

function quiet(sim: Simulation): boolean {
  const stats = sim.primary.machine.getStats(sim.localNow(sim.primary));
  return stats.pendingWrites === 0 && stats.appliedSequence === stats.sequenceNumber;
}

/**
 * Runs until the primary has applied every write, its expiry deletes included: what is due now runs
 * first, so that a write never reaches an entry whose expiry is already due.
 */
export function settle(sim: Simulation): void {
  for (;;) {
    sim.runUntilTime(sim.nowMs);
    if (quiet(sim)) return;
    expect(sim.runUntil(() => quiet(sim), SETTLE_BOUND_MS), 'the primary never applied its writes').toBe(true);
  }
}

/** What a reader of the primary sees equals what the model holds. */
export function expectPrimaryMatches(sim: Simulation, model: PrimaryModel): void {
  const nowMs = sim.localNow(sim.primary);
  expect(entriesOf(sim.primary.store.live, nowMs)).toEqual(model.visible(nowMs));
}
