/**
 * Primary.invariants() fails on a primary whose sequence bookkeeping went wrong: checked directly,
 * since a correct primary never trips it. The subclass reaches the field the bug zoo may touch.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { drain, ofKind, random, T0 } from '../../../support/machine.js';
import { write } from '../../../support/primary.js';

class MiscountingPrimary extends Primary {
  miscountIssued(by: number): void {
    this.issuedSequence += by;
  }
}

function readyMiscounting(): MiscountingPrimary {
  const primary = new MiscountingPrimary({ nowMs: T0, random: random() });
  const [load] = ofKind(drain(primary), 'storage');
  primary.handleStorageDone(load?.requestId ?? 0, { kind: 'scanned', entries: [], done: true }, T0);
  drain(primary);
  write(primary, set('a', '1'));
  primary.invariants();
  return primary;
}

describe('Primary.invariants', () => {
  it('fails when storage applied more than was issued to it', () => {
    const primary = readyMiscounting();
    primary.miscountIssued(-1);
    expect(() => primary.invariants()).toThrow(new AssertionError('applied beyond issued'));
  });

  it('fails when what was issued and what is pending do not add up to the log', () => {
    const primary = readyMiscounting();
    primary.miscountIssued(1);
    expect(() => primary.invariants()).toThrow(new AssertionError('pending writes do not close the gap to the log'));
  });
});
