import fc from 'fast-check';

/**
 * Damage to one record of a file of framed records (src/storage/record-frame.ts), as a disk or a
 * hand can do it: a byte changed, a run of bytes zeroed, the length field overwritten (past the
 * end of the file, past RECORD_BYTES_MAX, or shorter: what a torn-tail reader without a marker
 * search takes for a tail), or the file cut inside the record (a torn append). Positions are
 * fractions of the record, so one damage fits a record of any size.
 */
export type Damage =
  | { readonly kind: 'flip'; readonly record: number; readonly at: number; readonly mask: number }
  | { readonly kind: 'zeros'; readonly record: number; readonly at: number; readonly bytes: number }
  | { readonly kind: 'length'; readonly record: number; readonly length: LengthDamage }
  | { readonly kind: 'tear'; readonly at: number };

/** What a damaged length field says: past the file's end by `by`, any u32, or `by` less than the record's. */
export type LengthDamage = { readonly past: 'end'; readonly by: number } | { readonly past: 'u32'; readonly value: number } | { readonly past: 'shorter'; readonly by: number };

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** `records`: how many records the file holds; a tear is always in the last one. */
export function damageArb(records: number): fc.Arbitrary<Damage> {
  const record = fc.nat({ max: records - 1 });
  const length: fc.Arbitrary<LengthDamage> = fc.oneof(
    fc.record({ past: fc.constant('end' as const), by: fc.nat({ max: 1 << 20 }) }),
    fc.record({ past: fc.constant('u32' as const), value: fc.nat({ max: 0xffffffff }) }),
    fc.record({ past: fc.constant('shorter' as const), by: fc.integer({ min: 1, max: 64 }) }),
  );
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), record, at: fraction, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('zeros' as const), record, at: fraction, bytes: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('length' as const), record, length }),
    fc.record({ kind: fc.constant('tear' as const), at: fraction }),
  );
}

/** Where a record is in the file, and where its length field (a u32 LE) is. */
export interface RecordPlace {
  readonly offset: number;
  readonly bytes: number;
  readonly lengthAt: number;
}

/** The damaged file, the record the damage is in, and the first byte it changed (a tear: where it cut). */
export function damaged(file: Buffer, places: readonly RecordPlace[], damage: Damage): { readonly bytes: Buffer; readonly record: number; readonly from: number } {
  const record = damage.kind === 'tear' ? places.length - 1 : damage.record;
  const place = places[record] as RecordPlace;
  const bytes = Buffer.from(file);
  const at = (fractionOf: number): number => place.offset + Math.floor(fractionOf * place.bytes);
  switch (damage.kind) {
    case 'flip':
      bytes[at(damage.at)] = (bytes[at(damage.at)] as number) ^ damage.mask;
      return { bytes, record, from: at(damage.at) };
    case 'zeros': {
      const start = at(damage.at);
      const end = Math.min(start + damage.bytes, place.offset + place.bytes);
      const from = bytes.subarray(start, end).findIndex((byte) => byte !== 0);
      // Zeros over zeros change nothing: then the first byte is changed instead.
      if (from === -1) bytes[start] = 0xff;
      else bytes.fill(0, start, end);
      return { bytes, record, from: from === -1 ? start : start + from };
    }
    case 'length':
      bytes.writeUInt32LE(lengthOf(damage.length, bytes.readUInt32LE(place.lengthAt), bytes.length - place.lengthAt), place.lengthAt);
      return { bytes, record, from: place.lengthAt };
    case 'tear': {
      const end = Math.max(place.offset + 1, at(damage.at));
      return { bytes: bytes.subarray(0, end), record, from: end };
    }
  }
}

/** A length other than `length`, the record's own; `left`: the bytes from the length field to the end. */
function lengthOf(damage: LengthDamage, length: number, left: number): number {
  const value = damage.past === 'end' ? left + damage.by : damage.past === 'u32' ? damage.value : Math.max(0, length - damage.by);
  return value === length ? (value ^ 1) >>> 0 : value;
}
