import { ProtocolError } from '../errors.js';
import { codeUnitAt } from '../string-methods.js';

/** Standard base64 (RFC 4648 §4) with padding: the form the original sends values in. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='

const ENCODE = new Uint8Array(64);
// Indexed by any UTF-16 code unit, so decoding never branches on the character range.
const DECODE = new Int8Array(0x1_0000).fill(-1);
for (let i = 0; i < 64; i += 1) {
  ENCODE[i] = codeUnitAt(ALPHABET, i);
  DECODE[codeUnitAt(ALPHABET, i)] = i;
}

// The output is pure ASCII, so decoding it as UTF-8 builds the string in one native pass.
const asciiDecoder = new TextDecoder();

/** Standard base64 both ways, decoding canonical text only (see decodeBase64). */
export interface Base64Codec {
  readonly encode: (bytes: Uint8Array) => string;
  readonly decode: (text: string) => Uint8Array;
}

/** Pure JavaScript, so the core runs anywhere; several times slower than a native one. */
export const portableBase64: Base64Codec = Object.freeze({ encode: portableEncode, decode: portableDecode });

let implementation: Base64Codec = portableBase64;

/**
 * Swaps in a faster codec with the same results (node's Buffer, installed by the runtime and the
 * simulator): the core imports no I/O module, and no result depends on the choice.
 */
export function useBase64(next: Base64Codec): void {
  implementation = next;
}

export function encodeBase64(bytes: Uint8Array): string {
  return implementation.encode(bytes);
}

/**
 * Decodes canonical base64 only: the exact string encodeBase64 would produce. Anything else
 * (other alphabets, whitespace, missing or misplaced padding, non-zero trailing bits) is a
 * ProtocolError, so every value has exactly one wire form.
 */
export function decodeBase64(text: string): Uint8Array {
  return implementation.decode(text);
}

function portableEncode(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const wholeEnd = bytes.length - (bytes.length % 3);
  let o = 0;
  for (let i = 0; i < wholeEnd; i += 3) {
    const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = ENCODE[triple >>> 18]!;
    out[o + 1] = ENCODE[(triple >>> 12) & 63]!;
    out[o + 2] = ENCODE[(triple >>> 6) & 63]!;
    out[o + 3] = ENCODE[triple & 63]!;
    o += 4;
  }
  encodeTail(bytes, wholeEnd, out, o);
  return asciiDecoder.decode(out);
}

function encodeTail(bytes: Uint8Array, start: number, out: Uint8Array, o: number): void {
  const left = bytes.length - start;
  if (left === 0) return;
  const first = bytes[start]!;
  const second = left === 2 ? bytes[start + 1]! : 0;
  out[o] = ENCODE[first >>> 2]!;
  out[o + 1] = ENCODE[((first & 3) << 4) | (second >>> 4)]!;
  out[o + 2] = left === 2 ? ENCODE[(second & 15) << 2]! : PAD;
  out[o + 3] = PAD;
}

function portableDecode(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new ProtocolError(`base64 length ${text.length} is not a multiple of 4`);
  if (text.length === 0) return new Uint8Array(0);
  const padBytes = paddingOf(text);
  const out = new Uint8Array((text.length / 4) * 3 - padBytes);
  const lastQuad = text.length - 4;
  let o = 0;
  for (let i = 0; i < lastQuad; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) throw badCharacter(text, i);
    const triple = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = triple >>> 16;
    out[o + 1] = (triple >>> 8) & 0xff;
    out[o + 2] = triple & 0xff;
    o += 3;
  }
  decodeLastQuad(text, lastQuad, padBytes, out, o);
  return out;
}

function sextet(text: string, index: number): number {
  return DECODE[codeUnitAt(text, index)]!;
}

function paddingOf(text: string): number {
  if (codeUnitAt(text, text.length - 1) !== PAD) return 0;
  return codeUnitAt(text, text.length - 2) === PAD ? 2 : 1;
}

function decodeLastQuad(text: string, start: number, padBytes: number, out: Uint8Array, o: number): void {
  const a = sextet(text, start);
  const b = sextet(text, start + 1);
  const c = padBytes === 2 ? 0 : sextet(text, start + 2);
  const d = padBytes >= 1 ? 0 : sextet(text, start + 3);
  if ((a | b | c | d) < 0) throw badCharacter(text, start);
  const triple = (a << 18) | (b << 12) | (c << 6) | d;
  // Bits below the last whole byte must be zero, or two strings would decode to one value.
  if ((padBytes === 1 && (c & 3) !== 0) || (padBytes === 2 && (b & 15) !== 0)) {
    throw new ProtocolError('base64 has non-zero trailing bits');
  }
  out[o] = triple >>> 16;
  if (padBytes < 2) out[o + 1] = (triple >>> 8) & 0xff;
  if (padBytes < 1) out[o + 2] = triple & 0xff;
}

function badCharacter(text: string, quadStart: number): ProtocolError {
  return new ProtocolError(`base64 has an invalid character or misplaced padding at offset ${quadStart}..${quadStart + 3}`);
}
