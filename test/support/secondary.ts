import { chainDigest, encodeFrame, SNAPSHOT_DIGEST_INITIAL } from '../../src/core/codec/index.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import type { Entry } from '../../src/core/keyspace.js';
import type { LogEntry } from '../../src/core/operation.js';
import type { Output } from '../../src/core/output.js';
import { Secondary, type SecondaryOptions } from '../../src/core/secondary/secondary.js';
import type { Cursor } from '../../src/core/storage-request.js';
import { set } from './ops.js';
import { bytesOf, drain, ofKind, random, T0 } from './machine.js';

export const HISTORY = 'a'.repeat(32);

export function entry(sequence: number, path = `p${sequence}`): LogEntry {
  return { sequence, timestampMs: T0, op: set(path, `v${sequence}`) };
}

export function entryFrame(sequence: number): Frame {
  return { kind: 'operation', ...entry(sequence) };
}

export function batchFrame(from: number, count: number): Frame {
  return { kind: 'batch', timestampMs: T0, entries: Array.from({ length: count }, (_, index) => entry(from + index)) };
}

/** A secondary that asked for connection 1 and got it; its HELLO is drained. */
export function connected(options: Partial<SecondaryOptions> = {}): Secondary {
  const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null, ...options });
  secondary.handleTimeout(T0);
  const [connect] = ofKind(drain(secondary), 'connect');
  secondary.handleConnected(connect?.connectionId ?? 0, T0);
  drain(secondary);
  return secondary;
}

/** A secondary past the handshake, streaming history HISTORY from `cursor`. */
export function streaming(cursor: Cursor | null = { replicationId: HISTORY, sequence: 0 }, limits: Partial<Limits> = {}): Secondary {
  const secondary = connected({ cursor, limits });
  secondary.handleBytes(1, bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0 }), T0);
  const from = (cursor?.sequence ?? 0) + 1;
  secondary.handleBytes(1, bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: from }), T0);
  drain(secondary);
  return secondary;
}

/** A secondary given a full resync of HISTORY from fromSequence; returns it and the outputs of the response (its stageBegin). */
export function snapshotting(fromSequence: number, options: Partial<SecondaryOptions> = {}): { secondary: Secondary; outputs: Output[] } {
  const secondary = connected(options);
  receive(secondary, { kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: fromSequence - 1 });
  const outputs = receive(secondary, { kind: 'syncResponse', timestampMs: T0, mode: 'full_resync', replicationId: HISTORY, fromSequence });
  return { secondary, outputs };
}

/** The chunks of a snapshot holding entries, and the END that matches them. */
export function snapshotFrames(chunks: Entry[][], consistentSequence: number): Frame[] {
  let digest = SNAPSHOT_DIGEST_INITIAL;
  const frames: Frame[] = chunks.map((entries, index) => {
    const chunk: Frame = { kind: 'snapshotChunk', timestampMs: T0, index, entries };
    digest = chainDigest(digest, encodeFrame(chunk, DEFAULT_LIMITS).checksum);
    return chunk;
  });
  const entryCount = chunks.reduce((total, entries) => total + entries.length, 0);
  return [...frames, { kind: 'snapshotEnd', timestampMs: T0, chunkCount: chunks.length, entryCount, digest, consistentSequence }];
}

/** Delivers frame on connection 1, checks the invariants, and returns what the secondary outputs. */
export function receive(secondary: Secondary, frame: Frame, nowMs = T0): Output[] {
  secondary.handleBytes(1, bytesOf(frame), nowMs);
  secondary.invariants();
  return drain(secondary);
}
