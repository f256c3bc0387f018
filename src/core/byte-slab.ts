import { SLAB_BYTES, SLAB_VALUE_BYTES_MAX } from './limits.js';

let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

/**
 * A copy of `bytes` that is a view of a shared slab when small (up to SLAB_VALUE_BYTES_MAX), as
 * node's Buffer pool does: a typed array with a backing store of its own per write was the
 * primary's costliest allocation. Values leave the log in the order they entered it, so slabs are
 * freed in order too; a keyspace keeps its own copy of what it stores (compact-entry.ts).
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const length = bytes.length;
  if (length > SLAB_VALUE_BYTES_MAX) return new Uint8Array(bytes);
  if (used + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const copy = slab.subarray(used, used + length);
  copy.set(bytes);
  used += length;
  return copy;
}
