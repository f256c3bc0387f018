/**
 * The 4-byte big-endian length prefix of every frame, byte by byte: a DataView made for each
 * frame to read or write it cost more than the four bytes.
 */
export function writeFrameLength(bytes: Uint8Array, length: number): void {
  bytes[0] = length >>> 24;
  bytes[1] = (length >>> 16) & 0xff;
  bytes[2] = (length >>> 8) & 0xff;
  bytes[3] = length & 0xff;
}

export function readFrameLength(header: Uint8Array): number {
  return ((header[0]! << 24) | (header[1]! << 16) | (header[2]! << 8) | header[3]!) >>> 0;
}
