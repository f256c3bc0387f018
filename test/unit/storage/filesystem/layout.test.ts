import { expect, it } from 'vitest';
import { layoutOf } from '../../../../src/storage/filesystem/layout.js';

// Where each part lives on disk is the stored format: a base path written by an earlier version must open.
it('lays everything but the data out under .nadb', () => {
  expect(layoutOf('/b')).toEqual({
    base: '/b',
    nadb: '/b/.nadb',
    tmp: '/b/.nadb/tmp',
    meta: '/b/.nadb/meta',
    dirEntries: '/b/.nadb/dir-entries',
    cursor: '/b/.nadb/cursor.json',
    redoJournal: '/b/.nadb/redo.journal',
    journal: '/b/.nadb/commit.json',
    staging: '/b/.nadb/staging',
    stagingData: '/b/.nadb/staging/data',
    stagingMeta: '/b/.nadb/staging/meta',
    stagingDirEntries: '/b/.nadb/staging/dir-entries',
    trash: '/b/.nadb/trash',
    trashData: '/b/.nadb/trash/data',
    trashMeta: '/b/.nadb/trash/meta',
    trashDirEntries: '/b/.nadb/trash/dir-entries',
  });
});
