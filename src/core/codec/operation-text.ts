import type { Operation, SetOperation } from '../operation.js';
import { encodeBase64 } from './base64.js';
import { canonicalJson, quoteAscii } from './canonical-json.js';

/**
 * An operation's wire data (operation-wire.ts) in canonical JSON, written directly with its keys
 * in sorted order rather than built as an object whose keys are then listed and sorted: every
 * operation a JSON peer receives is serialised here once, and the generic path was most of that.
 * The same text as canonicalJson(operationToWire(op).data), which the tests compare.
 */
export function operationDataJson(op: Operation): string {
  switch (op.type) {
    case 'SET':
      return setDataText(op);
    case 'DELETE':
      return `{"path":${quoteAscii(op.path)}}`;
    case 'SET_TTL':
      return `{"expires_at_ms":${canonicalJson(op.expiresAtMs)},"path":${quoteAscii(op.path)}}`;
    case 'FLUSH':
      return `{"db":${canonicalJson(op.db)},"namespace":${canonicalJson(op.namespace)}}`;
    case 'METADATA':
      return `{"path":${quoteAscii(op.path)},"tags":${tagsText(op.tags)}}`;
  }
}

/** Also a snapshot entry's form. Tags and expiry are left out when empty, as setDataToWire leaves them. */
function setDataText(op: SetOperation): string {
  const expiry = op.expiresAtMs === null ? '' : `"expires_at_ms":${canonicalJson(op.expiresAtMs)},`;
  const tags = op.tags.length === 0 ? '' : `"tags":${tagsText(op.tags)},`;
  const names = `"db":${quoteAscii(op.db)},${expiry}"key":${quoteAscii(op.key)},"namespace":${quoteAscii(op.namespace)},"path":${quoteAscii(op.path)},`;
  return `{"_value_encoded":true,${names}${tags}"value":"${encodeBase64(op.value)}"}`;
}

function tagsText(tags: readonly string[]): string {
  return `[${tags.map(quoteAscii).join(',')}]`;
}
