import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageFailedError } from '../../core/errors.js';
import type { Cursor } from '../../core/storage-request.js';
import { decodeCursor } from '../stored-json.js';
import { writeCursor } from './cursor-file.js';
import { isMissing, readIfPresent, type Disk } from './disk.js';
import type { FsLayout } from './layout.js';
import { RESERVED_SEGMENT } from './paths.js';

/**
 * The staged commit, crash-safe. The journal is written (atomically, durably) once the staging
 * area is durable; from then on the commit is decided, and open() completes it before serving.
 * Phase `clear` moves the live top-level names, the metadata tree and the directories' entries
 * (entry-form.ts) into the trash; phase `install` moves the staged ones into place and writes
 * the cursor; then the journal goes.
 * A phase is recorded before the next starts, because once installing has begun the base holds
 * new names that clearing again would throw away. Every step is a rename of a whole top-level
 * name, so the cost is in the number of top-level names, not of entries.
 *
 * The steps yield after each change on disk: a crash at any yield, followed by open(), gives all
 * the old data and cursor (before the journal) or all the new (after it). Tests stop there.
 */
interface Journal {
  readonly cursor: Cursor;
  readonly phase: 'clear' | 'install';
}

export async function* commitSteps(layout: FsLayout, disk: Disk, cursor: Cursor): AsyncGenerator<void> {
  await rm(layout.trash, { recursive: true, force: true });
  await disk.makeDirs(layout.trashData);
  await disk.syncDirs();
  const journal: Journal = { cursor, phase: 'clear' };
  await writeJournal(layout, disk, journal);
  yield;
  yield* completeSteps(layout, disk, journal);
}

/** Completes a journaled commit from wherever it stopped. */
export async function* completeSteps(layout: FsLayout, disk: Disk, journal: Journal): AsyncGenerator<void> {
  if (journal.phase === 'clear') {
    yield* moveAll(disk, await liveNames(layout), layout.base, layout.trashData);
    yield* moveIfPresent(disk, layout.meta, layout.trashMeta);
    yield* moveIfPresent(disk, layout.dirEntries, layout.trashDirEntries);
    // Cleared for good before the journal says so: installing onto old names would fail.
    await disk.syncDirs();
    await writeJournal(layout, disk, { ...journal, phase: 'install' });
    yield;
  }
  // A staging area gone mid-commit is damage, not an empty snapshot: readdir's error stops the commit.
  yield* moveAll(disk, await readdir(layout.stagingData), layout.stagingData, layout.base);
  yield* moveIfPresent(disk, layout.stagingMeta, layout.meta);
  yield* moveIfPresent(disk, layout.stagingDirEntries, layout.dirEntries);
  await disk.syncDirs();
  await writeCursor(layout, disk, journal.cursor);
  yield;
  await disk.remove(layout.journal);
  await disk.syncDirs();
  yield;
  await removeLeftovers(layout);
}

export async function readJournal(layout: FsLayout): Promise<Journal | undefined> {
  const json = await readIfPresent(layout.journal);
  if (json === undefined) return undefined;
  const text = json.toString('utf8');
  const cursor = decodeCursor(text, layout.journal);
  const { phase } = JSON.parse(text) as { phase?: unknown };
  if (phase !== 'clear' && phase !== 'install') throw new StorageFailedError(`corrupt commit journal ${layout.journal}: ${text}`);
  return { cursor, phase };
}

/** What a completed or abandoned commit leaves: the old live data, a staging area, temp files. */
export async function removeLeftovers(layout: FsLayout): Promise<void> {
  for (const dir of [layout.trash, layout.staging]) await rm(dir, { recursive: true, force: true });
}

async function writeJournal(layout: FsLayout, disk: Disk, journal: Journal): Promise<void> {
  const { replicationId, sequence, epoch } = journal.cursor;
  await disk.writeAtomic(layout.journal, JSON.stringify({ replicationId, sequence, ...(epoch === undefined ? {} : { epoch }), phase: journal.phase }));
  await disk.syncDirs();
}

async function* moveAll(disk: Disk, moving: readonly string[], from: string, to: string): AsyncGenerator<void> {
  for (const name of moving) {
    await disk.move(join(from, name), join(to, name));
    yield;
  }
}

async function* moveIfPresent(disk: Disk, from: string, to: string): AsyncGenerator<void> {
  try {
    await disk.move(from, to);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  yield;
}

async function liveNames(layout: FsLayout): Promise<string[]> {
  return (await readdir(layout.base)).filter((name) => name !== RESERVED_SEGMENT);
}
