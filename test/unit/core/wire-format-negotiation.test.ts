import { describe, expect, it } from 'vitest';
import {
  BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT, BINARY_WIRE_FORMATS, decodeFrameBody, encodeFrame, type BinaryWireFormat, type WireFormat, type WireFormatSetting,
} from '../../../src/core/codec/index.js';
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

const welcomeFrame = (wireFormat?: BinaryWireFormat): Frame => ({
  kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0, ...(wireFormat === undefined ? {} : { wireFormat }),
});

const MARKERS = { [BINARY_SHA256_FORMAT]: 0xb1, [BINARY_CRC32_FORMAT]: 0xb2, json: '{'.charCodeAt(0) } as const;

describe('wire format negotiation, primary side', () => {
  // [primary's setting, the HELLO's offer, the format chosen]
  const cases: [WireFormatSetting, readonly string[] | undefined, WireFormat][] = [
    ['binary', [BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT], BINARY_CRC32_FORMAT],
    ['binary', [BINARY_SHA256_FORMAT, BINARY_CRC32_FORMAT], BINARY_CRC32_FORMAT],
    ['binary', [BINARY_SHA256_FORMAT], BINARY_SHA256_FORMAT],
    ['binary', [BINARY_CRC32_FORMAT], BINARY_CRC32_FORMAT],
    [BINARY_SHA256_FORMAT, [BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT], BINARY_SHA256_FORMAT],
    [BINARY_SHA256_FORMAT, [BINARY_CRC32_FORMAT], 'json'],
    ['json', [BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT], 'json'],
    ['binary', undefined, 'json'],
    ['binary', [], 'json'],
    ['binary', ['binary-3', 'cbor'], 'json'],
  ];

  it.each(cases)('a %s primary offered %j chooses %s, and the data frames that follow are in it', (setting, offer, chosen) => {
    const primary = primaryWithOneWrite(setting);
    const { welcome, operation } = handshake(primary, offer);
    expect(primary.getStats(T0).replicas.map((replica) => replica.wireFormat)).toEqual([chosen]);
    if (chosen === 'json') expect(welcome).not.toHaveProperty('wireFormat');
    else expect(welcome).toMatchObject({ kind: 'welcome', wireFormat: chosen });
    expect(operation[4]).toBe(MARKERS[chosen]);
    expect(decodeFrameBody(operation.subarray(4), DEFAULT_LIMITS, chosen).frame).toMatchObject({ kind: 'operation', sequence: 1 });
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
    for (const [offer, keptText, keptBinary] of [[[BINARY_SHA256_FORMAT], false, true], [undefined, true, false], [null, false, false]] as const) {
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
  it('a binary secondary offers binary-2 then binary-1, a binary-1 one binary-1; a JSON one sends the original HELLO, with no wire_formats at all', () => {
    expect(secondaryWelcomed('binary', welcomeFrame()).hello).toMatchObject({ wireFormats: [BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT] });
    expect(secondaryWelcomed(BINARY_SHA256_FORMAT, welcomeFrame()).hello).toMatchObject({ wireFormats: [BINARY_SHA256_FORMAT] });
    const { hello: plain } = secondaryWelcomed('json', welcomeFrame());
    expect(plain).not.toHaveProperty('wireFormats');
  });

  const operation: Frame = { kind: 'operation', sequence: 1, timestampMs: T0, op: set('a', '1') };

  function streaming(setting: WireFormatSetting, chosen?: BinaryWireFormat): Secondary {
    const { secondary } = secondaryWelcomed(setting, welcomeFrame(chosen));
    secondary.handleBytes(1, bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }), T0);
    drain(secondary);
    return secondary;
  }

  it.each(BINARY_WIRE_FORMATS)('accepts %s data frames after a WELCOME that chose it, and says so in its statistics', (format) => {
    const secondary = streaming('binary', format);
    expect(secondary.getStats(T0).primary.wireFormat).toBe(format);
    secondary.handleBytes(1, encodeFrame(operation, DEFAULT_LIMITS, format).bytes, T0);
    expect(ofKind(drain(secondary), 'storage')).toHaveLength(1);
    secondary.invariants();
  });

  // [the link's format, the frame's format]
  const mismatches: [WireFormat, BinaryWireFormat][] = [
    ['json', BINARY_SHA256_FORMAT],
    ['json', BINARY_CRC32_FORMAT],
    [BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT],
    [BINARY_SHA256_FORMAT, BINARY_CRC32_FORMAT],
  ];

  it.each(mismatches)('on a %s link a %s frame is a protocol error, and the link closes', (link, sent) => {
    const secondary = streaming('binary', link === 'json' ? undefined : link);
    secondary.handleBytes(1, encodeFrame(operation, DEFAULT_LIMITS, sent).bytes, T0);
    const outputs = drain(secondary);
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'protocol', reason: `a ${sent} frame on a link that did not negotiate ${sent} (${link})` }]);
    expect(ofKind(outputs, 'storage')).toHaveLength(0);
  });

  // [the secondary's setting, the format a WELCOME chose]
  const unoffered: [WireFormatSetting, BinaryWireFormat][] = [
    ['json', BINARY_SHA256_FORMAT],
    ['json', BINARY_CRC32_FORMAT],
    [BINARY_SHA256_FORMAT, BINARY_CRC32_FORMAT],
  ];

  it.each(unoffered)('a %s secondary told by a WELCOME to take %s, which it did not offer, closes with protocol', (setting, chosen) => {
    const { outputs } = secondaryWelcomed(setting, welcomeFrame(chosen));
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'protocol', reason: `primary chose wire format ${chosen}, which was not offered` }]);
  });
});
