import { InvalidOperationError } from '../../core/errors.js';

/** A path the file system backend cannot store where it belongs: outside the base, or not a file name. */
export class InvalidPathError extends InvalidOperationError {
  override name = 'InvalidPathError';
}

/** NAME_MAX of Linux and of most file systems: a longer segment cannot be a file name. */
const SEGMENT_BYTES_MAX = 255;
/** The backend's own directory under the base path (metadata, cursor, staging, temp files). */
export const RESERVED_SEGMENT = '.nadb';

// With the u flag a surrogate pair is one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses a path that would not land at `{basePath}/{path}` as a regular file of its own: empty,
 * absolute, with empty, `.` or `..` segments, with NUL, with a lone surrogate (file names are
 * UTF-8, which cannot hold one), with a segment longer than SEGMENT_BYTES_MAX, or under `.nadb`.
 */
export function checkPath(path: string): void {
  const why = refusal(path);
  if (why !== undefined) throw new InvalidPathError(`path ${JSON.stringify(path)} refused: ${why}`);
}

function refusal(path: string): string | undefined {
  // Checked before the core's own checks (checkStorable): a null path was a bare TypeError here.
  if (typeof path !== 'string') return 'it is not a string';
  if (path.length === 0) return 'it is empty';
  if (path.includes('\0')) return 'it contains NUL';
  if (LONE_SURROGATE.test(path)) return 'it holds a lone surrogate, which no UTF-8 file name can';
  const segments = path.split('/');
  if (segments[0] === '') return 'it is absolute';
  if (segments[0] === RESERVED_SEGMENT) return `${RESERVED_SEGMENT} is the backend's own directory`;
  for (const segment of segments) {
    if (segment === '') return 'it has an empty segment';
    if (segment === '.' || segment === '..') return `it has a "${segment}" segment`;
    if (Buffer.byteLength(segment) > SEGMENT_BYTES_MAX) return `a segment exceeds SEGMENT_BYTES_MAX (${SEGMENT_BYTES_MAX} bytes)`;
  }
  return undefined;
}
