import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedManifest } from '../testdata/mutations.ts';
import { formatFieldError } from './field-error.ts';
import { validateManifest } from './validate.ts';

describe('validator properties on random manifests', () => {
  it('never throws, and a rejection always names at least one error with a path', () => {
    fc.assert(
      fc.property(mutatedManifest, ({ manifest }) => {
        const result = validateManifest(manifest);
        expect(result.valid).toBe(result.errors.length === 0);
        for (const error of result.errors)
          expect(formatFieldError(error)).toMatch(/^(<nil>|[a-zA-Z][\w.[\]]*): /);
      }),
      { numRuns: 500, seed: 20261121 },
    );
  });

  it('applies defaults idempotently: an accepted object validates again to itself', () => {
    fc.assert(
      fc.property(mutatedManifest, ({ manifest }) => {
        const first = validateManifest(manifest);
        fc.pre(first.valid);
        const second = validateManifest(first.object);
        expect(second.errors).toEqual([]);
        expect(second.object).toEqual(first.object);
      }),
      { numRuns: 300, seed: 20261121 },
    );
  });

  it('accepts in prune mode whatever it accepts in strict mode, with the same result', () => {
    fc.assert(
      fc.property(mutatedManifest, ({ manifest }) => {
        const strict = validateManifest(manifest);
        fc.pre(strict.valid);
        const pruned = validateManifest(manifest, { unknownFields: 'prune' });
        expect(pruned.errors).toEqual([]);
        expect(pruned.object).toEqual(strict.object);
      }),
      { numRuns: 300, seed: 20261121 },
    );
  });
});
