import type { Operation } from '../operation.js';
import { canonicalJson } from './canonical-json.js';
import { operationToWire } from './operation-wire.js';

/**
 * The canonical JSON of an operation's wire data, made once for an operation in the primary's log
 * however many frames carry it (every peer's stream, every catch-up, every snapshot chunk that
 * holds the same SET): serialising and base64-encoding each operation per frame was most of a
 * busy primary's time. Only admitted operations keep their text, and only until released, so
 * what is kept is bounded by the log's own bounds; any other operation is serialised each time.
 */
const admitted = new WeakMap<Operation, string | null>();

/** `op` entered the log: its text is kept once a frame first needs it. */
export function admitOperationText(op: Operation): void {
  if (!admitted.has(op)) admitted.set(op, null);
}

/** `op` left the log. */
export function releaseOperationText(op: Operation): void {
  admitted.delete(op);
}

export function operationDataText(op: Operation): string {
  const kept = admitted.get(op);
  if (kept !== undefined && kept !== null) return kept;
  const text = canonicalJson(operationToWire(op).data);
  if (kept === null) admitted.set(op, text);
  return text;
}
