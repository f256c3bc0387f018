import { describe, expect, it } from 'vitest';
import { binaryFormatsOf, chosenWireFormat, isBinaryWireFormat, WIRE_FORMAT_SETTINGS } from '../../../../src/core/codec/wire-format.js';

describe('wire formats', () => {
  it('a setting offers or accepts its binary formats, best first', () => {
    expect(WIRE_FORMAT_SETTINGS.map((setting) => [setting, binaryFormatsOf(setting)])).toEqual([
      ['binary', ['binary-2', 'binary-1']],
      ['binary-1', ['binary-1']],
      ['json', []],
    ]);
  });

  it("a primary chooses its best format that was offered, whatever the offer's order, else json", () => {
    expect(chosenWireFormat('binary', ['binary-1', 'binary-2'])).toBe('binary-2');
    expect(chosenWireFormat('binary', ['cbor', 'binary-1'])).toBe('binary-1');
    expect(chosenWireFormat('binary-1', ['binary-2'])).toBe('json');
    expect(chosenWireFormat('json', ['binary-2', 'binary-1'])).toBe('json');
    expect(chosenWireFormat('binary', undefined)).toBe('json');
    expect(chosenWireFormat('binary', [])).toBe('json');
  });

  it('knows exactly the two binary formats', () => {
    expect(['binary-1', 'binary-2', 'binary', 'json', 'binary-3', undefined, 1].map(isBinaryWireFormat)).toEqual([true, true, false, false, false, false, false]);
  });
});
