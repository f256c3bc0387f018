import { describe, expect, it } from 'vitest';
import * as errors from '../../src/core/errors.js';
import * as api from '../../src/index.js';

describe('the package entry', () => {
  it('exports every error class a caller may meet, so that instanceof works on each', () => {
    const names = Object.keys(errors).filter((name) => {
      const value: unknown = errors[name as keyof typeof errors];
      return typeof value === 'function' && value.prototype instanceof Error;
    });
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(api[name as keyof typeof api], name).toBe(errors[name as keyof typeof errors]);
  });
});
