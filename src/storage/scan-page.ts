import { assert } from '../core/assert.js';
import { operationWireBytesMax } from '../core/codec/index.js';
import type { ScanRequest } from '../core/keyspace.js';
import type { EntryMetadata } from './backend.js';
import { entryOf } from './stored-json.js';

/**
 * Picks the page Keyspace.scan would pick from `candidates` (in scan order, after the request's
 * afterPath), from their metadata and sizes only, so that a backend reads just the values it
 * returns. `done` is true when the candidates ran out.
 */
export async function pickPage<M extends EntryMetadata>(
  candidates: AsyncIterable<M>,
  request: ScanRequest,
): Promise<{ picked: M[]; done: boolean }> {
  assert(request.entriesMax > 0 && request.bytesMax > 0, 'scan limits must be positive');
  const picked: M[] = [];
  let bytes = 0;
  for await (const candidate of candidates) {
    const size = wireBytesMax(candidate);
    if (picked.length > 0 && (picked.length >= request.entriesMax || bytes + size > request.bytesMax)) {
      return { picked, done: false };
    }
    picked.push(candidate);
    bytes += size;
  }
  return { picked, done: true };
}

/**
 * operationWireBytesMax of the entry, which depends on its value's length only: a zero-filled
 * stand-in costs no read (large zeroed buffers are mapped lazily) and keeps one sizing rule.
 */
function wireBytesMax(metadata: EntryMetadata): number {
  return operationWireBytesMax(entryOf(metadata, new Uint8Array(metadata.sizeBytes)));
}
