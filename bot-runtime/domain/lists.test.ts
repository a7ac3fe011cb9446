import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { doubled, doubleList, objectList } from './lists.ts';

// V8's own predicates on an array's elements kind (functions compiled after the flag may use them).
setFlagsFromString('--allow-natives-syntax');
const kindOf = new Function(
  'a',
  'return %HasSmiElements(a) ? "smi" : %HasDoubleElements(a) ? "double" : %HasObjectElements(a) ? "object" : "other"',
) as (list: unknown[]) => string;

describe('lists made in their final elements kind', () => {
  it('a literal [] starts as small integers (why these exist)', () => {
    expect(kindOf([])).toBe('smi');
  });

  it('objectList is empty, holds objects, and keeps its kind when filled', () => {
    const list = objectList<{ id: string }>();
    expect(list).toEqual([]);
    expect(kindOf(list)).toBe('object');
    list.push({ id: 'a' });
    expect(list).toEqual([{ id: 'a' }]);
    expect(kindOf(list)).toBe('object');
  });

  it('doubleList is empty, holds doubles, and keeps its kind for integers too', () => {
    const list = doubleList();
    expect(list).toEqual([]);
    expect(kindOf(list)).toBe('double');
    list.push(1, 1_515_564_900_000, 0.25);
    expect(list).toEqual([1, 1_515_564_900_000, 0.25]);
    expect(kindOf(list)).toBe('double');
  });

  it('doubled is a column of the same type, twice as long, with the old elements first', () => {
    const small = Uint8Array.of(1, 2, 255);
    const grown = doubled(small);
    expect(grown).toBeInstanceOf(Uint8Array);
    expect([...grown]).toEqual([1, 2, 255, 0, 0, 0]);
    expect([...doubled(Float64Array.of(0.5, -1e300))]).toEqual([0.5, -1e300, 0, 0]);
    expect(doubled(Uint32Array.of(2 ** 32 - 1))[0]).toBe(2 ** 32 - 1);
  });
});
