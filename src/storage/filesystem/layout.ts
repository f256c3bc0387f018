import { join } from 'node:path';
import type { TreeRoots } from './entry-form.js';
import { RESERVED_SEGMENT } from './paths.js';

/** Where everything lives under a base path. Data is at `{base}/{path}`; the rest under `.nadb`. */
export interface FsLayout {
  readonly base: string;
  readonly nadb: string;
  /** Temp files of atomic writes: on the same file system as their targets, and never listed. */
  readonly tmp: string;
  /** Metadata JSON of the entry at `{base}/{path}`, at `{meta}/{path}`: the same tree shape. */
  readonly meta: string;
  /** Entries whose path is also a directory (entry-form.ts). */
  readonly dirEntries: string;
  readonly cursor: string;
  /** The redo journal of the apply in progress (redo-journal.ts); empty between applies. */
  readonly redoJournal: string;
  /** Present from the moment a staged commit must complete until it has. */
  readonly journal: string;
  readonly stagingData: string;
  readonly stagingMeta: string;
  readonly stagingDirEntries: string;
  readonly staging: string;
  /** The live data a commit replaces, kept until the commit completes. */
  readonly trash: string;
  readonly trashData: string;
  readonly trashMeta: string;
  readonly trashDirEntries: string;
}

export function layoutOf(base: string): FsLayout {
  const nadb = join(base, RESERVED_SEGMENT);
  const staging = join(nadb, 'staging');
  const trash = join(nadb, 'trash');
  return {
    base,
    nadb,
    tmp: join(nadb, 'tmp'),
    meta: join(nadb, 'meta'),
    dirEntries: join(nadb, 'dir-entries'),
    cursor: join(nadb, 'cursor.json'),
    redoJournal: join(nadb, 'redo.journal'),
    journal: join(nadb, 'commit.json'),
    staging,
    stagingData: join(staging, 'data'),
    stagingMeta: join(staging, 'meta'),
    stagingDirEntries: join(staging, 'dir-entries'),
    trash,
    trashData: join(trash, 'data'),
    trashMeta: join(trash, 'meta'),
    trashDirEntries: join(trash, 'dir-entries'),
  };
}

export function liveRootsOf(layout: FsLayout): TreeRoots {
  return { data: layout.base, meta: layout.meta, dirEntries: layout.dirEntries };
}

export function stagingRootsOf(layout: FsLayout): TreeRoots {
  return { data: layout.stagingData, meta: layout.stagingMeta, dirEntries: layout.stagingDirEntries };
}
