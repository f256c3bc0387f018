/**
 * The checkers' oracle: a keyspace as a plain map, written from the operations' documented meaning
 * (docs/PROTOCOL.md, src/core/operation.ts), not from Keyspace. The nodes store through Keyspace;
 * a semantic slip there would change the nodes and an oracle built on it alike, and pass unseen.
 */
import type { Entry } from '../src/core/keyspace.js';
import type { Operation } from '../src/core/operation.js';

export type OracleState = Map<string, Entry>;

export function applyDocumented(state: OracleState, op: Operation): void {
  switch (op.type) {
    case 'SET':
      state.set(op.path, op);
      return;
    case 'DELETE':
      state.delete(op.path);
      return;
    case 'SET_TTL': {
      const entry = state.get(op.path);
      if (entry !== undefined) state.set(op.path, { ...entry, expiresAtMs: op.expiresAtMs });
      return;
    }
    case 'METADATA': {
      const entry = state.get(op.path);
      if (entry !== undefined) state.set(op.path, { ...entry, tags: op.tags });
      return;
    }
    case 'FLUSH':
      for (const [path, entry] of [...state]) {
        const dbMatches = op.db === null || entry.db === op.db;
        const namespaceMatches = op.namespace === null || entry.namespace === op.namespace;
        if (dbMatches && namespaceMatches) state.delete(path);
      }
      return;
  }
}
