// TA-Lib (the C library) compiled to WebAssembly, from the npm package
// `talib-web`, used as the independent reference in the parity tests.
//
// Why not the native `talib` package: it compiles against the running Node's
// headers with node-gyp, and on machines without network access node-gyp finds
// only the system Node's headers (not Node 24's), so the addon it builds cannot
// load here. The WASM build is the same C code with no build step. Its own JS
// wrapper passes NULL for outBegIdx/outNBElement and reads one element past the
// input, so this module calls the exported C functions directly.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface EmscriptenModule {
  ccall(name: string, ret: 'number', argTypes: string[], args: number[]): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPF64: Float64Array;
  HEAP32: Int32Array;
}

let modulePromise: Promise<EmscriptenModule> | undefined;

/** Loads the WASM module once. */
export function loadTalib(): Promise<EmscriptenModule> {
  modulePromise ??= (async () => {
    const web = require('talib-web') as { init(path?: string): Promise<EmscriptenModule> };
    // Emscripten's loader prefers fetch() when it exists (Node 18+), and fetch
    // cannot read a file path; hide it while the module loads from disk.
    const g = globalThis as { fetch?: unknown };
    const saved = g.fetch;
    g.fetch = undefined;
    try {
      return await web.init(require.resolve('talib-web/lib/talib.wasm'));
    } finally {
      g.fetch = saved;
    }
  })();
  return modulePromise;
}

/**
 * Calls `TA_<name>(startIdx, endIdx, inputs..., options..., &outBegIdx, &outNBElement, outputs...)`
 * over whole arrays and returns each output aligned to the input: NaN before outBegIdx.
 */
export function callTalib(
  m: EmscriptenModule,
  name: string,
  inputs: readonly ArrayLike<number>[],
  options: readonly number[],
  outputCount: number,
): Float64Array[] {
  const n = inputs[0]!.length;
  const ptrs: number[] = [];
  const alloc = (count: number): number => {
    const p = m._malloc(Math.max(1, count) * 8);
    ptrs.push(p);
    return p;
  };
  try {
    const inPtrs = inputs.map((arr) => {
      const p = alloc(n);
      m.HEAPF64.set(arr as ArrayLike<number>, p / 8);
      return p;
    });
    const begPtr = alloc(1);
    const nbPtr = alloc(1);
    const outPtrs = Array.from({ length: outputCount }, () => alloc(n));
    const args = [0, n - 1, ...inPtrs, ...options, begPtr, nbPtr, ...outPtrs];
    const rc = m.ccall(
      `TA_${name}`,
      'number',
      args.map(() => 'number'),
      args,
    );
    if (rc !== 0) throw new Error(`TA_${name} returned error code ${rc}`);
    const beg = m.HEAP32[begPtr / 4]!;
    const nb = m.HEAP32[nbPtr / 4]!;
    return outPtrs.map((p) => {
      const out = new Float64Array(n).fill(Number.NaN);
      out.set(m.HEAPF64.subarray(p / 8, p / 8 + nb), beg);
      return out;
    });
  } finally {
    for (const p of ptrs) m._free(p);
  }
}
