/** A closed primary takes nothing new: no write, no connection, no expiry; storage still completes. */
import { describe, expect, it } from 'vitest';
import { NotReadyError } from '../../../../src/core/errors.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';
import { closeCodes, connect, ready, sync, write } from '../../../support/primary.js';

describe('a closed primary', () => {
  it('closes every link once, then refuses writes and new connections and expires nothing', () => {
    const primary = ready();
    write(primary, set('a', '1', { expiresAtMs: T0 + 1_000 }));
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    connect(primary, 2);
    primary.close(T0);
    const closing = drain(primary);
    expect(closeCodes(closing)).toEqual(['1:shutdown', '2:shutdown']);
    expect(sentFrames(closing)).toMatchObject([{ kind: 'error', message: 'primary is shutting down' }, { kind: 'error' }]);
    primary.close(T0);
    expect(drain(primary)).toEqual([]);
    expect(() => primary.submitWrite(set('b', '2'), T0)).toThrow(NotReadyError);
    primary.handleConnected(3, 'test:3', T0);
    expect(closeCodes(drain(primary))).toEqual(['3:shutdown']);
    primary.handleTimeout(T0 + 2_000);
    expect(ofKind(drain(primary), 'storage')).toEqual([]);
  });

  it('stays closed when its start-up scan completes afterwards', () => {
    const primary = new Primary({ nowMs: T0, random: random() });
    const [load] = ofKind(drain(primary), 'storage');
    primary.close(T0);
    primary.handleStorageDone(load?.requestId ?? 0, { kind: 'scanned', entries: [], done: true }, T0);
    expect(primary.isReady).toBe(false);
    expect(() => primary.submitWrite(set('a', '1'), T0)).toThrow(NotReadyError);
  });
});
