import { decodeFrameBody, encodeFrame } from '../../src/core/codec/index.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { Output, StateMachine } from '../../src/core/output.js';
import { Prng } from '../../sim/prng.js';

export const T0 = 1_700_000_000_000;

export function random(seed = 1): Prng {
  return new Prng(seed);
}

/** Every output the machine has, in order. */
export function drain(machine: StateMachine): Output[] {
  const outputs: Output[] = [];
  for (let output = machine.poll(); output !== undefined; output = machine.poll()) outputs.push(output);
  return outputs;
}

/** The frames among outputs, decoded as the peer would. */
export function sentFrames(outputs: readonly Output[]): Frame[] {
  return outputs.flatMap((output) => (output.kind === 'transmit' ? [decodeFrameBody(output.bytes.subarray(4), DEFAULT_LIMITS).frame] : []));
}

export function bytesOf(frame: Frame): Uint8Array {
  return encodeFrame(frame, DEFAULT_LIMITS).bytes;
}

export function ofKind<K extends Output['kind']>(outputs: readonly Output[], kind: K): Extract<Output, { kind: K }>[] {
  return outputs.filter((output): output is Extract<Output, { kind: K }> => output.kind === kind);
}
