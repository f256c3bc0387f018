import type { Operation, SetOperation } from '../../src/core/operation.js';

const encoder = new TextEncoder();

/** A SET with readable defaults, for hand-written scenarios. */
export function set(path: string, value: string, extra: Partial<SetOperation> = {}): SetOperation {
  return { type: 'SET', path, key: path, value: encoder.encode(value), db: 'db', namespace: 'ns', tags: [], expiresAtMs: null, ...extra };
}

export function del(path: string): Operation {
  return { type: 'DELETE', path };
}

export function text(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : new TextDecoder().decode(value);
}
