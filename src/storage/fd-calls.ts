import { close, fdatasync, fstat, fsync, ftruncate, open, read, rename, unlink, writev } from 'node:fs';
import { promisify } from 'node:util';

// node's callback API on file descriptors, promisified: a FileHandle costs more per call, which
// thousands of fsyncs per batch (filesystem) or a few calls per apply (append-only file) add up.
export const openFd = promisify(open);
export const closeFd = promisify(close);
export const fstatFd = promisify(fstat);
export const readFd = promisify(read);
export const writevFd = promisify(writev);
export const truncateFd = promisify(ftruncate);
export const fsyncFd = promisify(fsync);
export const fdatasyncFd = promisify(fdatasync);
export const renameFile = promisify(rename);
export const unlinkFile = promisify(unlink);
