/**
 * The real fd calls, counted, for tests that mock `src/storage/fd-calls.js` with this module
 * (`vi.mock(..., () => import('.../test/support/counted-fd-calls.js'))`): a sync left out loses
 * data only when the machine stops, and a descriptor left open only when they run out, which no
 * test can wait for, so the calls are counted instead. A few failures (ENOSPC's short write, EIO)
 * can be switched on. Used by the append-only file's tests and the operation log's.
 */
import { vi } from 'vitest';

type FdCalls = typeof import('../../src/storage/fd-calls.js');
const real = await vi.importActual<FdCalls>('../../src/storage/fd-calls.js');

export const counted = {
  fsyncs: 0,
  fdatasyncs: 0,
  /** The paths opened, in order. */
  opened: [] as string[],
  bytesRead: 0,
  /** The most bytes one read returned: what a reader buffers at a time. */
  readBytesMax: 0,
  /** Descriptors opened and not yet closed. */
  open: new Set<number>(),
  /** Bytes each writev reports short of what it wrote (ENOSPC, as libuv reports it). */
  writevShortBy: 0,
  /** fsync fails with EIO. */
  fsyncFails: false,
  /** fdatasync fails with EIO. */
  fdatasyncFails: false,
  /** rename fails with EIO. */
  renameFails: false,
  /** unlink fails with EIO. */
  unlinkFails: false,
};

export function resetCounts(): void {
  Object.assign(counted, { bytesRead: 0, readBytesMax: 0, fsyncs: 0, fdatasyncs: 0, opened: [], open: new Set(), writevShortBy: 0, fsyncFails: false, fdatasyncFails: false, renameFails: false, unlinkFails: false });
}

function eio(call: string): Error {
  return Object.assign(new Error(`EIO: i/o error, ${call}`), { code: 'EIO' });
}

export const openFd = async (path: string, flags: number): Promise<number> => {
  counted.opened.push(path);
  const fd = await real.openFd(path, flags);
  counted.open.add(fd);
  return fd;
};

export const closeFd = async (fd: number): Promise<void> => {
  counted.open.delete(fd);
  await real.closeFd(fd);
};

export const fsyncFd = async (fd: number): Promise<void> => {
  counted.fsyncs += 1;
  if (counted.fsyncFails) throw eio('fsync');
  await real.fsyncFd(fd);
};

export const fdatasyncFd = async (fd: number): Promise<void> => {
  counted.fdatasyncs += 1;
  if (counted.fdatasyncFails) throw eio('fdatasync');
  await real.fdatasyncFd(fd);
};

export const writevFd = async <Chunks extends readonly NodeJS.ArrayBufferView[]>(fd: number, chunks: Chunks, position?: number): ReturnType<FdCalls['writevFd']> => {
  const written = await real.writevFd(fd, chunks, position);
  return { ...written, bytesWritten: written.bytesWritten - counted.writevShortBy };
};

export const renameFile = async (from: string, to: string): Promise<void> => {
  if (counted.renameFails) throw eio('rename');
  await real.renameFile(from, to);
};

export const unlinkFile = async (path: string): Promise<void> => {
  if (counted.unlinkFails) throw eio('unlink');
  await real.unlinkFile(path);
};

export const readFd: FdCalls['readFd'] = async (...args: Parameters<FdCalls['readFd']>) => {
  const read = await real.readFd(...args);
  counted.bytesRead += read.bytesRead;
  counted.readBytesMax = Math.max(counted.readBytesMax, read.bytesRead);
  return read;
};

export const { fstatFd, truncateFd } = real;
