/**
 * What a primary accepts on a link, phase by phase: HELLO, then SYNC_REQUEST, then only ACKs and
 * heartbeats. Anything else is a protocol error; an ERROR from the secondary ends the link on its
 * word; and nothing that arrives behind a frame that closed the link is acted on.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import { bytesOf, drain, sentFrames, T0 } from '../../../support/machine.js';
import { closeCodes, connect, events, helloBytes, ready, sync } from '../../../support/primary.js';

const HEARTBEAT: Frame = { kind: 'heartbeat', timestampMs: T0, replicationId: null, lastSequence: 0 };
const SYNC_REQUEST: Frame = { kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 };

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

describe('frames a primary receives', () => {
  it('handles every frame of one read, in order', () => {
    const primary = ready();
    primary.handleConnected(1, 'test', T0);
    primary.handleBytes(1, concat(helloBytes('r'), bytesOf(SYNC_REQUEST)), T0);
    expect(sentFrames(drain(primary)).map((frame) => frame.kind)).toEqual(['welcome', 'syncResponse']);
  });

  it('acts on nothing that follows the frame that closed the link', () => {
    const primary = ready();
    primary.handleConnected(1, 'test', T0);
    const wrongVersion = bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 99, replicaId: 'r', auth: null });
    primary.handleBytes(1, concat(wrongVersion, helloBytes('r')), T0);
    const outputs = drain(primary);
    expect(closeCodes(outputs)).toEqual(['1:version']);
    expect(sentFrames(outputs).map((frame) => frame.kind)).toEqual(['error']);
  });

  it.each([
    ['before HELLO', [], SYNC_REQUEST],
    ['before SYNC_REQUEST', ['hello'], HEARTBEAT],
    ['while streaming', ['hello', 'sync'], SYNC_REQUEST],
  ])('closes with a protocol error on an unexpected frame %s', (_when, steps, frame) => {
    const primary = ready();
    if (steps.includes('hello')) connect(primary, 1);
    else primary.handleConnected(1, 'test', T0);
    if (steps.includes('sync')) sync(primary, 1, primary.replicationId, 1);
    primary.handleBytes(1, bytesOf(frame), T0);
    expect(closeCodes(drain(primary))).toEqual(['1:protocol']);
  });

  it("ends the link on the secondary's ERROR with its code, closing it and sending nothing back", () => {
    const primary = ready();
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    primary.handleBytes(1, bytesOf({ kind: 'error', timestampMs: T0, code: 'gap', message: 'missing 3' }), T0);
    const outputs = drain(primary);
    expect(sentFrames(outputs)).toEqual([]);
    // Its sender closes too; a stranger may not, and the socket must not outlive the link.
    expect(closeCodes(outputs)).toEqual(['1:gap']);
    expect(events(outputs)).toContainEqual({ kind: 'connectionClosed', connectionId: 1, code: 'gap', reason: 'secondary reported: missing 3', address: 'test:1' });
    expect(primary.getStats(T0).replicas).toMatchObject([{ connected: false, errors: 1 }]);
  });

  it('cuts a close reason to nameLengthMax, marking the cut', () => {
    const primary = ready({ limits: { nameLengthMax: 12 } });
    primary.handleConnected(1, 'test', T0);
    primary.handleBytes(1, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 99, replicaId: 'r', auth: null }), T0);
    expect(sentFrames(drain(primary))).toMatchObject([{ kind: 'error', message: 'protocol ve…' }]);
  });
});
