import { expect } from 'vitest';
import { secondaryProof } from '../../src/core/auth.js';
import type { Frame } from '../../src/core/frame.js';
import type { Entry } from '../../src/core/keyspace.js';
import type { Output } from '../../src/core/output.js';
import { Primary, type PrimaryOptions } from '../../src/core/primary/primary.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from './machine.js';

/** A primary with empty storage, past its start-up scan. Storage requests are answered by hand. */
export function ready(options: Partial<PrimaryOptions> = {}, existing: Entry[] = []): Primary {
  const primary = new Primary({ nowMs: T0, random: random(), ...options });
  const [load] = ofKind(drain(primary), 'storage');
  expect(load?.request.kind).toBe('scan');
  primary.handleStorageDone(load?.requestId ?? 0, { kind: 'scanned', entries: existing, done: true }, T0);
  expect(drain(primary).some((output) => output.kind === 'event' && output.event.kind === 'ready')).toBe(true);
  return primary;
}

/** Completes every storage request in outputs, the way a FIFO storage would, at `nowMs`; returns all outputs. */
export function complete(primary: Primary, outputs: Output[], scanned: Entry[] = [], nowMs = T0): Output[] {
  const all = [...outputs];
  for (let i = 0; i < all.length; i += 1) {
    const output = all[i];
    if (output?.kind !== 'storage') continue;
    const result = output.request.kind === 'scan' ? { kind: 'scanned' as const, entries: scanned, done: true } : { kind: 'done' as const, durable: true };
    primary.handleStorageDone(output.requestId, result, nowMs);
    primary.invariants();
    all.push(...drain(primary));
  }
  return all;
}

/** Opens connectionId and says hello as replicaId; returns the frames the primary answers with. */
export function connect(primary: Primary, connectionId: number, replicaId = `r${connectionId}`, nowMs = T0): Frame[] {
  primary.handleConnected(connectionId, `test:${connectionId}`, nowMs);
  primary.handleBytes(connectionId, helloBytes(replicaId, nowMs), nowMs);
  return sentFrames(drain(primary));
}

/** The nonce the tests' secondaries put in their HELLO. */
export const SECONDARY_NONCE = 'c'.repeat(32);

/**
 * Opens connectionId from `address`, says hello as replicaId with a nonce, and answers the
 * CHALLENGE with a proof of `token`; returns the CHALLENGE and the frames the AUTH is answered with.
 */
export function connectWithToken(primary: Primary, connectionId: number, replicaId: string, token: string, address = `test:${connectionId}`): { challenge: Frame; answer: Frame[] } {
  primary.handleConnected(connectionId, address, T0);
  primary.handleBytes(connectionId, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId, auth: null, nonce: SECONDARY_NONCE }), T0);
  const [challenge, ...rest] = sentFrames(drain(primary));
  expect(rest).toEqual([]);
  if (challenge?.kind !== 'challenge') throw new Error(`expected a CHALLENGE, got ${challenge?.kind ?? 'nothing'}`);
  const proof = secondaryProof(token, { primaryNonce: challenge.nonce, secondaryNonce: SECONDARY_NONCE }, replicaId);
  primary.handleBytes(connectionId, bytesOf({ kind: 'auth', timestampMs: T0, proof }), T0);
  primary.invariants();
  return { challenge, answer: sentFrames(drain(primary)) };
}

export function helloBytes(replicaId: string, nowMs = T0): Uint8Array {
  return bytesOf({ kind: 'hello', timestampMs: nowMs, protocolVersion: 1, replicaId, auth: null });
}

/** Sends a sync request and completes the storage work it causes; returns the frames sent. */
export function sync(primary: Primary, connectionId: number, replicationId: string | null, fromSequence: number, scanned: Entry[] = []): Frame[] {
  primary.handleBytes(connectionId, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId, fromSequence }), T0);
  return sentFrames(complete(primary, drain(primary), scanned));
}

/** Writes op and completes its storage work at once, at the same time. */
export function write(primary: Primary, op: Parameters<Primary['submitWrite']>[0], nowMs = T0): Output[] {
  primary.submitWrite(op, nowMs);
  return complete(primary, drain(primary), [], nowMs);
}

/** The codes of the connections the primary asked the driver to close, in order. */
export function closeCodes(outputs: readonly Output[]): string[] {
  return ofKind(outputs, 'close').map((output) => `${output.connectionId}:${output.code}`);
}

/** The replication events among outputs. */
export function events(outputs: readonly Output[]): Extract<Output, { kind: 'event' }>['event'][] {
  return ofKind(outputs, 'event').map((output) => output.event);
}
