import type { Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { writeCursor } from './cursor-file.js';
import type { Disk } from './disk.js';
import { Changes, type Durability } from './durability.js';
import type { FsLayout } from './layout.js';
import { planBatch } from './plan.js';
import { clearJournal, readJournal, writeJournal, type JournaledBatch } from './redo-journal.js';
import type { EntryTree } from './tree.js';

/** The live keyspace and what writing it takes. */
export interface LiveParts {
  readonly layout: FsLayout;
  readonly disk: Disk;
  readonly tree: EntryTree;
  readonly durability: Durability;
}

/**
 * One apply, atomic with its cursor (group commit): the batch is planned into the final state of
 * each path it touches (nothing written yet), and those with the cursor go into the redo journal,
 * synced: the batch's durability point. Then the files are written in place (no temp file and
 * rename: the journal makes a torn file harmless), synced in one round, the cursor written, and
 * the journal cleared. A crash before the journal is complete leaves the old state (a torn
 * journal is ignored); after it, open() redoes the batch, every state being absolute. Until the
 * journal is cleared, the data and cursor on disk may be a mix of old and new; never after.
 *
 * The steps yield after each change on disk: tests crash there.
 */
export async function* applySteps(live: LiveParts, operations: readonly Operation[], cursor: Cursor | null): AsyncGenerator<void> {
  const batch: JournaledBatch = { cursor, states: await planBatch(live.tree, operations) };
  if (batch.states.size === 0) {
    // Nothing to write but the cursor, atomic by itself.
    if (cursor !== null) await writeCursor(live.layout, live.disk, cursor);
    return;
  }
  await writeJournal(live.layout.redoJournal, batch, live.durability.durable);
  yield;
  yield* redoSteps(live, batch);
}

/** Redoes the journaled batch, if the journal holds a complete one, and clears the journal. */
export async function redoJournaled(live: LiveParts): Promise<void> {
  const batch = await readJournal(live.layout.redoJournal);
  if (batch === undefined) {
    await clearJournal(live.layout.redoJournal, false);
    return;
  }
  live.tree.forget();
  for await (const _ of redoSteps(live, batch));
}

async function* redoSteps(live: LiveParts, batch: JournaledBatch): AsyncGenerator<void> {
  const changes = new Changes();
  yield* live.tree.writeSteps(batch.states, changes, live.durability.syncsEachFile);
  await live.durability.sync(changes);
  if (batch.cursor !== null) {
    await writeCursor(live.layout, live.disk, batch.cursor);
    yield;
  }
  // Not synced: a journal that survives a crash is redone, onto what it already wrote.
  await clearJournal(live.layout.redoJournal, false);
  yield;
}
