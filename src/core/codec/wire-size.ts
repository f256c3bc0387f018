import type { Operation } from '../operation.js';
import { ESCAPED_CODE_UNIT_BYTES } from '../limits.js';
import { codeUnitAt } from '../string-methods.js';

/**
 * More than the envelope of any one-operation frame around its strings: the length prefix, the
 * keys, the punctuation, three numbers of at most 24 characters and the 64-character checksum
 * come to about 300 bytes.
 */
const ENVELOPE_ALLOWANCE_BYTES = 512;

/**
 * An upper bound, cheap to compute, on the bytes an operation takes on the wire. It bounds:
 * the whole one-operation frame, length prefix included; the operation's item plus its comma in
 * a BATCH; for a SET, its entry plus its comma in a SNAPSHOT_CHUNK. What a BATCH or a
 * SNAPSHOT_CHUNK adds around its items is under 256 bytes.
 */
export function operationWireBytesMax(op: Operation): number {
  return ENVELOPE_ALLOWANCE_BYTES + stringsBytesMax(op) + (op.type === 'SET' ? Math.ceil(op.value.length / 3) * 4 : 0);
}

function stringsBytesMax(op: Operation): number {
  switch (op.type) {
    case 'SET': {
      // Most keys are their paths, and most writes share a db and namespace: each counted once.
      const pathBytes = nameBytesMax(op.path);
      const keyBytes = op.key === op.path ? pathBytes : nameBytesMax(op.key);
      return pathBytes + keyBytes + scopeNameBytesMax(op.db) + scopeNameBytesMax(op.namespace) + tagsBytesMax(op.tags);
    }
    case 'DELETE':
    case 'SET_TTL':
      return nameBytesMax(op.path);
    case 'FLUSH':
      return nameBytesMax(op.db ?? '') + nameBytesMax(op.namespace ?? '');
    case 'METADATA':
      return nameBytesMax(op.path) + tagsBytesMax(op.tags);
  }
}

function tagsBytesMax(tags: readonly string[]): number {
  let total = 0;
  // Indexed: for-of made an iterator and its results for every operation's tags, most often none (NO_TAGS).
  for (let index = 0; index < tags.length; index += 1) total += nameBytesMax(tags[index]!) + 1; // its comma
  return total;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Printable ASCII but a quote or a backslash: each code unit one byte as quoteAscii writes it. */
const PLAIN_NAME = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * Quotes included. Printable ASCII (the usual case) is counted exactly, as quoteAscii writes it
 * (a quote and a backslash take two), anything else 6x. Counted, not written: a quoted copy per
 * name was paid twice by every write. A plain name is one native scan, four times as fast as the
 * loop on a name of 4,096 code units (a primary validates every write's names, and each
 * secondary sizes its applied log by them again).
 */
function nameBytesMax(name: string): number {
  if (PLAIN_NAME.test(name)) return name.length + 2;
  let bytes = 2;
  for (let index = 0; index < name.length; index += 1) {
    const unit = codeUnitAt(name, index);
    if (unit < 0x20 || unit > 0x7e) return name.length * ESCAPED_CODE_UNIT_BYTES + 2;
    bytes += unit === QUOTE || unit === BACKSLASH ? 2 : 1;
  }
  return bytes;
}

/**
 * The last db or namespace counted, and its count: a write's two, and the next write's, are
 * nearly always the same names (the default context's), which then cost a comparison each rather
 * than a scan (three scans of four names per write, on the primary and each secondary, were
 * about 4% of their CPU).
 */
let scopeName = '';
let scopeBytes = nameBytesMax(scopeName);

function scopeNameBytesMax(name: string): number {
  if (name !== scopeName) {
    scopeName = name;
    scopeBytes = nameBytesMax(name);
  }
  return scopeBytes;
}
