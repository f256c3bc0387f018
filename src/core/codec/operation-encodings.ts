import type { Operation } from '../operation.js';
import { operationDataJson } from './operation-text.js';

/**
 * An operation's canonical JSON (the text of its wire data), made once for an admitted operation
 * however many frames carry it (every JSON peer's stream, every catch-up, every snapshot chunk
 * that holds the same SET): serialising and base64-encoding each operation per frame was most of
 * a busy primary's time. The primary's log admits its operations once a JSON secondary has joined;
 * a secondary's applied log never does. Only admitted operations keep theirs, and only until
 * released, so what is kept is bounded by the log's own bounds; any other operation is encoded
 * each time. The text is made the first time a frame needs it. The binary form is not kept: a
 * frame writes it in place (binary-frame.ts), as cheaply as it would copy a kept one.
 */
interface Kept {
  text: string | null;
}

const admitted = new WeakMap<Operation, Kept>();

/** `op` entered the log: its text is kept once a frame first needs it. */
export function admitOperation(op: Operation): void {
  if (!admitted.has(op)) admitted.set(op, { text: null });
}

/** `op` left the log. */
export function releaseOperation(op: Operation): void {
  admitted.delete(op);
}

export function operationDataText(op: Operation): string {
  const kept = admitted.get(op);
  if (kept?.text != null) return kept.text;
  const text = operationDataJson(op);
  if (kept !== undefined) kept.text = text;
  return text;
}
