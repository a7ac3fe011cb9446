// Empty arrays made in the elements kind they will hold. A literal `[]` starts as
// a list of small integers and changes its hidden class at the first push of an
// object or a fraction, so code the optimizer compiled on one run's filled list
// meets the next run's fresh `[]` with another map and deoptimizes ("wrong map",
// then "not a Smi"). Lists that start in their final kind keep one shape.

/** An empty list for objects or strings (anything but numbers). */
export function objectList<T>(): T[] {
  const list: T[] = [undefined as T];
  list.pop();
  return list;
}

/** An empty list for numbers that may be fractions or beyond small integers (times, prices). */
export function doubleList(): number[] {
  const list = [0.5];
  list.pop();
  return list;
}

/** A typed column twice as long as `column`, with its elements first: how growable columns grow. */
export function doubled<T extends Float64Array | Uint32Array | Uint8Array>(column: T): T {
  const grown = new (column.constructor as new (length: number) => T)(column.length * 2);
  grown.set(column);
  return grown;
}
