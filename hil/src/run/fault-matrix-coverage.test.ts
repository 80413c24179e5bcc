import { FAULT_NAMES } from '@esphil/sim';
import { describe, expect, it } from 'vitest';
import { FAULT_CASES, NOT_IN_MATRIX } from '../testing/fault-matrix';

describe('fault matrix coverage', () => {
  it('has a row (or a stated reason) for every simulator fault', () => {
    const covered = new Set([
      ...FAULT_CASES.map((c) => c.fault.split(':')[0]),
      ...Object.keys(NOT_IN_MATRIX),
    ]);
    expect(FAULT_NAMES.filter((f) => !covered.has(f))).toEqual([]);
  });
});
