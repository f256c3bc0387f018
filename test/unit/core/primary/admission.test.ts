/**
 * Who gets a link: one per replica (a newer connection replaces an older one, never the reverse), and at most
 * replicasMax replicas remembered, making room by forgetting the disconnected replica heard from
 * longest ago; none that takes less than the primary may send. The slots (connectionsMax, handshakesMax, per host) are in strangers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { HelloFrame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { bytesOf, drain, sentFrames, T0 } from '../../../support/machine.js';
import { closeCodes, connect, helloBytes, ready } from '../../../support/primary.js';

function replicaIds(primary: Primary): string[] {
  return primary.getStats(T0).replicas.map((replica) => replica.replicaId);
}

describe('admission to a primary', () => {
  it('replaces an older connection of the same replica, counting errors but not shutdowns', () => {
    const primary = ready();
    connect(primary, 1, 'r');
    primary.handleConnected(2, 'test', T0);
    primary.handleBytes(2, helloBytes('r'), T0);
    const outputs = drain(primary);
    expect(closeCodes(outputs)).toEqual(['1:shutdown']);
    expect(sentFrames(outputs).map((frame) => frame.kind)).toEqual(['error', 'welcome']);
    expect(primary.getStats(T0)).toMatchObject({ replicaCount: 1, replicas: [{ replicaId: 'r', connected: true, errors: 0 }] });
    primary.handleDisconnected(2, T0);
    expect(primary.getStats(T0)).toMatchObject({ replicaCount: 0, replicas: [{ replicaId: 'r', connected: false, errors: 0 }] });
    connect(primary, 3, 'r');
    primary.handleBytes(3, helloBytes('r'), T0); // a second hello is a protocol error
    expect(closeCodes(drain(primary))).toEqual(['3:protocol']);
    expect(primary.getStats(T0).replicas).toMatchObject([{ replicaId: 'r', connected: false, errors: 1 }]);
  });

  it('keeps the newer connection of a replica when a HELLO arrives late on an older one (a process that died and reconnected)', () => {
    const primary = ready();
    primary.handleConnected(1, 'test', T0); // the dead process's, its HELLO still on the way
    connect(primary, 2, 'r');
    primary.handleBytes(1, helloBytes('r'), T0);
    expect(closeCodes(drain(primary))).toEqual(['1:shutdown']);
    expect(primary.getStats(T0)).toMatchObject({ replicaCount: 1, replicas: [{ replicaId: 'r', connected: true, errors: 0 }] });
    primary.handleDisconnected(1, T0);
    expect(primary.getStats(T0)).toMatchObject({ replicaCount: 1, replicas: [{ replicaId: 'r', connected: true }] });
  });

  it('refuses a secondary that takes less than it may send (its HELLO, or the defaults), naming each limit short, and admits one that takes as much or more', () => {
    const hello = (primary: Primary, receiveLimits?: HelloFrame['receiveLimits']): string[] => {
      primary.handleConnected(1, 'test:1', T0);
      primary.handleBytes(1, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'r', auth: null, ...(receiveLimits === undefined ? {} : { receiveLimits }) }), T0);
      const outputs = drain(primary);
      const error = sentFrames(outputs).find((frame) => frame.kind === 'error');
      return [...closeCodes(outputs), ...(error?.kind === 'error' ? [error.message] : [])];
    };
    expect(hello(ready(), { valueBytesMax: 1_024, tagsMax: 8 })).toEqual(['1:limits', 'secondary r takes less than this primary may send (valueBytesMax 1024 < 8388608, tagsMax 8 < 256): raise them on the secondary']);
    expect(hello(ready({ limits: { batchEntriesMax: 2_048 } }))).toEqual(['1:limits', 'secondary r takes less than this primary may send (batchEntriesMax 1024 < 2048): raise them on the secondary']);
    expect(hello(ready({ limits: { valueBytesMax: 1_024 } }))).toEqual([]);
    expect(hello(ready(), { valueBytesMax: 2 * DEFAULT_LIMITS.valueBytesMax, frameBytesMax: 2 * DEFAULT_LIMITS.frameBytesMax })).toEqual([]);
  });

  it('refuses a new replica beyond replicasMax while all are connected, and keeps the ones it has', () => {
    const primary = ready({ limits: { replicasMax: 2 } });
    connect(primary, 1, 'a');
    connect(primary, 2, 'b');
    primary.handleConnected(3, 'test', T0);
    primary.handleBytes(3, helloBytes('c'), T0);
    const outputs = drain(primary);
    expect(closeCodes(outputs)).toEqual(['3:capacity']);
    expect(sentFrames(outputs).map((frame) => frame.kind)).toEqual(['error']);
    expect(replicaIds(primary)).toEqual(['a', 'b']);
  });

  it('makes room by forgetting the disconnected replica heard from longest ago', () => {
    const primary = ready({ limits: { replicasMax: 3 } });
    connect(primary, 1, 'connected', T0);
    connect(primary, 2, 'oldest', T0 + 100);
    connect(primary, 3, 'recent', T0 + 200);
    primary.handleDisconnected(2, T0 + 300);
    primary.handleDisconnected(3, T0 + 300);
    expect(connect(primary, 4, 'new', T0 + 400)).toMatchObject([{ kind: 'welcome' }]);
    expect(replicaIds(primary)).toEqual(['connected', 'recent', 'new']); // not merely the last disconnected one
  });

  it('lets a known replica back in when full, without forgetting another', () => {
    const primary = ready({ limits: { replicasMax: 2 } });
    connect(primary, 1, 'a', T0 + 100);
    connect(primary, 2, 'b', T0);
    primary.handleDisconnected(2, T0 + 200);
    expect(connect(primary, 3, 'a', T0 + 300).map((frame) => frame.kind)).toEqual(['error', 'welcome']);
    expect(replicaIds(primary)).toEqual(['a', 'b']);
  });
});
