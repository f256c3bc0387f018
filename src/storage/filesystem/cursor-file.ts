import type { Cursor } from '../../core/storage-request.js';
import { decodeCursor, encodeCursor } from '../stored-json.js';
import { readIfPresent, type Disk } from './disk.js';
import type { FsLayout } from './layout.js';

export async function readCursor(layout: FsLayout): Promise<Cursor | null> {
  const json = await readIfPresent(layout.cursor);
  return json === undefined ? null : decodeCursor(json.toString('utf8'), layout.cursor);
}

/** Callers sync the data the cursor covers first: a durable cursor never claims missing data. */
export async function writeCursor(layout: FsLayout, disk: Disk, cursor: Cursor): Promise<void> {
  await disk.writeAtomic(layout.cursor, encodeCursor(cursor));
  await disk.syncDirs();
}
