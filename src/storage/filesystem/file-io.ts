import { constants } from 'node:fs';
import { closeFd, fdatasyncFd, fsyncFd, openFd, truncateFd, writevFd } from '../fd-calls.js';
import { isMissing } from './disk.js';

/**
 * Writes `chunks` at the start of `file` (created if missing), over what is there: not O_TRUNC,
 * which frees the blocks for the write to allocate again. `truncate`: cut what follows them.
 * `sync`: fdatasync before closing.
 */
export async function writeFromStart(file: string, chunks: readonly Uint8Array[], options: { truncate: boolean; sync: boolean }): Promise<void> {
  const fd = await openFd(file, constants.O_WRONLY | constants.O_CREAT);
  try {
    const bytes = chunks.reduce((total, chunk) => total + chunk.length, 0);
    // libuv writes every chunk, looping over short writes; fewer bytes is a failure (ENOSPC).
    const { bytesWritten } = await writevFd(fd, [...chunks], 0);
    if (bytesWritten !== bytes) throw new Error(`short write to ${file}: ${bytesWritten} of ${bytes} bytes`);
    if (options.truncate) await truncateFd(fd, bytes);
    if (options.sync) await fdatasyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

/** fsyncs a file or directory; one removed since needs none (its parent records the removal). */
export async function syncPath(path: string): Promise<void> {
  let fd: number;
  try {
    fd = await openFd(path, constants.O_RDONLY);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}
