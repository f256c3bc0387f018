import type { Operation } from '../operation.js';
import { canonicalJson } from './canonical-json.js';
import { operationToBinary } from './operation-binary.js';
import { operationToWire } from './operation-wire.js';

/**
 * An operation's encodings (the canonical JSON of its wire data, its binary form), each made once
 * for an admitted operation however many frames carry it (every peer's stream, every catch-up,
 * every snapshot chunk that holds the same SET): serialising and base64-encoding each operation per
 * frame was most of a busy primary's time. The primary's log admits its operations once a JSON
 * secondary has joined (binary peers in step share one encoded frame instead, and admitting cost
 * more than it saved there); a secondary's applied log never does. Only admitted operations keep theirs, and
 * only until released, so what is kept is bounded by the log's own bounds; any other operation is
 * encoded each time. Each form is made the first time a frame needs it: a log streamed only in
 * binary never holds the JSON. One map for both forms: a WeakMap operation costs a hash lookup in
 * the collector's ephemeron table, on every write.
 */
interface Kept {
  text: string | null;
  binary: Uint8Array | null;
}

const admitted = new WeakMap<Operation, Kept>();

/** `op` entered the log: its encodings are kept once a frame first needs them. */
export function admitOperation(op: Operation): void {
  if (!admitted.has(op)) admitted.set(op, { text: null, binary: null });
}

/** `op` left the log. */
export function releaseOperation(op: Operation): void {
  admitted.delete(op);
}

export function operationDataText(op: Operation): string {
  const kept = admitted.get(op);
  if (kept?.text != null) return kept.text;
  const text = canonicalJson(operationToWire(op).data);
  if (kept !== undefined) kept.text = text;
  return text;
}

/** Callers must not modify it: frames share it. */
export function operationBinary(op: Operation): Uint8Array {
  const kept = admitted.get(op);
  if (kept?.binary != null) return kept.binary;
  const binary = operationToBinary(op);
  if (kept !== undefined) kept.binary = binary;
  return binary;
}
