import { describe, expect, it } from 'vitest';
import { BINARY_WIRE_FORMAT, decodeFrameBody, encodeFrame, type WireFormatSetting } from '../../../src/core/codec/index.js';
import type { Frame, HelloFrame } from '../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import type { Output } from '../../../src/core/output.js';
import type { OperationLog } from '../../../src/core/op-log.js';
import { Primary } from '../../../src/core/primary/primary.js';
import { Secondary } from '../../../src/core/secondary/secondary.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../support/machine.js';
import { keepsText } from '../../support/kept-text.js';
import { set } from '../../support/ops.js';

const HISTORY = 'a'.repeat(32);
const BINARY_MARKER = 0xb1;

function hello(wireFormats?: readonly string[]): HelloFrame {
  return { kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'r1', auth: null, ...(wireFormats === undefined ? {} : { wireFormats }) };
}

/** A primary holding one applied write, its storage answered by hand. */
function primaryWithOneWrite(wireFormat: WireFormatSetting): Primary {
  const primary = new Primary({ nowMs: T0, random: random(), wireFormat });
  const [load] = ofKind(drain(primary), 'storage');
  primary.handleStorageDone(load?.requestId ?? 0, { kind: 'scanned', entries: [], done: true }, T0);
  primary.submitWrite(set('a', '1'), T0);
  const [apply] = ofKind(drain(primary), 'storage');
  primary.handleStorageDone(apply?.requestId ?? 0, { kind: 'done', durable: true }, T0);
  drain(primary);
  return primary;
}

function transmitted(outputs: readonly Output[]): Uint8Array[] {
  return ofKind(outputs, 'transmit').map((output) => output.bytes);
}

/** The primary's WELCOME to `offer`, then the operation it streams after a continue from 1. */
function handshake(primary: Primary, offer: readonly string[] | undefined): { welcome: Frame; operation: Uint8Array } {
  primary.handleConnected(1, 'test:1', T0);
  primary.handleBytes(1, bytesOf(hello(offer)), T0);
  const [welcome] = sentFrames(drain(primary));
  primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: primary.replicationId, fromSequence: 1 }), T0);
  const [, operation] = transmitted(drain(primary));
  return { welcome: welcome!, operation: operation! };
}

/** A secondary that offered (or not), given a WELCOME. */
function secondaryWelcomed(wireFormat: WireFormatSetting, welcome: Frame): { secondary: Secondary; hello: Frame; outputs: Output[] } {
  const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 0 }, wireFormat });
  secondary.handleTimeout(T0);
  const [connect] = ofKind(drain(secondary), 'connect');
  secondary.handleConnected(connect?.connectionId ?? 0, T0);
  const [sentHello] = sentFrames(drain(secondary));
  secondary.handleBytes(1, bytesOf(welcome), T0);
  return { secondary, hello: sentHello!, outputs: drain(secondary) };
}

const welcomeFrame = (binary: boolean): Frame => ({
  kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0, ...(binary ? { wireFormat: BINARY_WIRE_FORMAT } : {}),
});

describe('wire format negotiation, primary side', () => {
  it('both willing: WELCOME names binary-1 and the data frames that follow are binary', () => {
    const { welcome, operation } = handshake(primaryWithOneWrite('binary'), [BINARY_WIRE_FORMAT]);
    expect(welcome).toMatchObject({ kind: 'welcome', wireFormat: BINARY_WIRE_FORMAT });
    expect(operation[4]).toBe(BINARY_MARKER);
    expect(decodeFrameBody(operation.subarray(4), DEFAULT_LIMITS, BINARY_WIRE_FORMAT).frame).toMatchObject({ kind: 'operation', sequence: 1 });
  });

  it('a JSON-only primary ignores the offer: no wire_format, JSON data frames', () => {
    const { welcome, operation } = handshake(primaryWithOneWrite('json'), [BINARY_WIRE_FORMAT]);
    expect(welcome).not.toHaveProperty('wireFormat');
    expect(operation[4]).toBe('{'.charCodeAt(0));
  });

  it('a secondary that offers nothing, or only formats unknown here, gets JSON', () => {
    for (const offer of [undefined, [], ['binary-2', 'cbor']]) {
      const { welcome, operation } = handshake(primaryWithOneWrite('binary'), offer);
      expect(welcome).not.toHaveProperty('wireFormat');
      expect(operation[4]).toBe('{'.charCodeAt(0));
    }
  });
});

/** A primary whose log a test can read (the bug zoo's way in). */
class LogViewPrimary extends Primary {
  get heldLog(): OperationLog {
    return this.log;
  }
}

describe('wire format negotiation, what the primary keeps', () => {
  it("keeps each operation's JSON once a JSON secondary has joined, its binary encoding once a binary one has, and neither with no secondary", () => {
    for (const [offer, keptText, keptBinary] of [[[BINARY_WIRE_FORMAT], false, true], [undefined, true, false], [null, false, false]] as const) {
      const primary = new LogViewPrimary({ nowMs: T0, random: random(), wireFormat: 'binary' });
      const [load] = ofKind(drain(primary), 'storage');
      primary.handleStorageDone(load?.requestId ?? 0, { kind: 'scanned', entries: [], done: true }, T0);
      if (offer !== null) handshake(primary, offer);
      const sequence = primary.submitWrite(set('b', '2'), T0);
      const { op } = primary.heldLog.entryAt(sequence);
      expect(op.type === 'SET' && keepsText(op)).toBe(keptText);
      expect(primary.heldLog.keepsEncoded(sequence)).toBe(keptBinary);
    }
  });
});

describe('wire format negotiation, secondary side', () => {
  it('a binary secondary offers binary-1; a JSON one sends the original HELLO, with no wire_formats at all', () => {
    expect(secondaryWelcomed('binary', welcomeFrame(false)).hello).toMatchObject({ wireFormats: [BINARY_WIRE_FORMAT] });
    const { hello: plain } = secondaryWelcomed('json', welcomeFrame(false));
    expect(plain).not.toHaveProperty('wireFormats');
  });

  it('accepts binary data frames only after a WELCOME that chose binary-1', () => {
    const binary = secondaryWelcomed('binary', welcomeFrame(true)).secondary;
    binary.handleBytes(1, bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }), T0);
    drain(binary);
    const operation: Frame = { kind: 'operation', sequence: 1, timestampMs: T0, op: set('a', '1') };
    binary.handleBytes(1, encodeFrame(operation, DEFAULT_LIMITS, BINARY_WIRE_FORMAT).bytes, T0);
    expect(ofKind(drain(binary), 'storage')).toHaveLength(1);
    binary.invariants();
  });

  it('a binary frame on a JSON link is a protocol error, and the link closes', () => {
    const { secondary } = secondaryWelcomed('binary', welcomeFrame(false));
    secondary.handleBytes(1, bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }), T0);
    drain(secondary);
    const operation: Frame = { kind: 'operation', sequence: 1, timestampMs: T0, op: set('a', '1') };
    secondary.handleBytes(1, encodeFrame(operation, DEFAULT_LIMITS, BINARY_WIRE_FORMAT).bytes, T0);
    const outputs = drain(secondary);
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'protocol', reason: expect.stringMatching(/did not negotiate binary-1/) }]);
    expect(ofKind(outputs, 'storage')).toHaveLength(0);
  });

  it('a WELCOME choosing binary-1 for a secondary that did not offer it is a protocol error', () => {
    const { outputs } = secondaryWelcomed('json', welcomeFrame(true));
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'protocol', reason: expect.stringMatching(/not offered/) }]);
  });
});
