/**
 * A tiny WebAssembly module, assembled here byte by byte, that applies one Adam step to a whole tensor
 * in a single SIMD pass over memory it imports (the tf.js WASM backend's heap). tf.js' own Adam runs
 * fourteen elementwise kernels, each a full pass over the variable; this one reads the value, both
 * moments and the gradient once and writes the three results once.
 *
 * Exported `adam(w, m, v, g, outW, outM, outV, n, b1, c1, b2, c2, d1, d2, eps, negLr)` (byte offsets, an
 * element count, float32 scalars) computes, per element and in float32, exactly what tf.js' Adam does:
 *   m' = m·b1 + g·c1;  v' = v·b2 + (g·g)·c2;  w' = ((m'/d1) / (√(v'/d2) + eps))·negLr + w.
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

// Parameter and local indices.
const [W, M, V, G, OW, OM, OV, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const SCALARS = [8, 9, 10, 11, 12, 13, 14, 15]; // b1 c1 b2 c2 d1 d2 eps negLr
const [B1, C1, B2, C2, D1, D2, EPS, NLR] = SCALARS as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const I = 16;
const END_VEC = 17;
const END_ALL = 18;
const SPLAT = (scalar: number): number => 19 + (scalar - 8); // 19..26
const VG = 27;
const VM = 28;
const VV = 29;
const SG = 30;
const SM = 31;
const SV = 32;

const op = {
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  i32: (value: number) => [0x41, ...signedLeb(value)],
  i32Add: [0x6a],
  i32And: [0x71],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  brIf: (depth: number) => [0x0d, depth],
  br: (depth: number) => [0x0c, depth],
  end: [0x0b],
  f32Load: [0x2a, 0x02, 0x00],
  f32Store: [0x38, 0x02, 0x00],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  v128Load: [0xfd, 0x00, 0x00, 0x00],
  v128Store: [0xfd, 0x0b, 0x00, 0x00],
  splat: [0xfd, 0x13],
  vAdd: [0xfd, 0xe4, 0x01],
  vMul: [0xfd, 0xe6, 0x01],
  vDiv: [0xfd, 0xe7, 0x01],
  vSqrt: [0xfd, 0xe3, 0x01],
};

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...unsignedLeb(body.length), ...body];
}

function name(text: string): number[] {
  const bytes = Array.from(text, (c) => c.charCodeAt(0));
  return [...unsignedLeb(bytes.length), ...bytes];
}

/** `base + i` on the stack: the address of element i of the array at byte offset `base`. */
const at = (base: number) => [...op.get(base), ...op.get(I), ...op.i32Add];

/** The update of one element (scalar) or four (vector), leaving nothing on the stack. */
function step(vector: boolean): number[] {
  const load = vector ? op.v128Load : op.f32Load;
  const store = vector ? op.v128Store : op.f32Store;
  const [add, mul, div, sqrt] = vector
    ? [op.vAdd, op.vMul, op.vDiv, op.vSqrt]
    : [op.f32Add, op.f32Mul, op.f32Div, op.f32Sqrt];
  const k = (scalar: number) => op.get(vector ? SPLAT(scalar) : scalar);
  const [g, m, v] = vector ? [VG, VM, VV] : [SG, SM, SV];
  // prettier-ignore
  return [
    ...at(G), ...load, ...op.set(g),
    // m' = m·b1 + g·c1
    ...at(M), ...load, ...k(B1), ...mul, ...op.get(g), ...k(C1), ...mul, ...add, ...op.set(m),
    ...at(OM), ...op.get(m), ...store,
    // v' = v·b2 + (g·g)·c2
    ...at(V), ...load, ...k(B2), ...mul, ...op.get(g), ...op.get(g), ...mul, ...k(C2), ...mul, ...add, ...op.set(v),
    ...at(OV), ...op.get(v), ...store,
    // w' = ((m'/d1) / (√(v'/d2) + eps))·negLr + w
    ...at(OW),
    ...op.get(m), ...k(D1), ...div,
    ...op.get(v), ...k(D2), ...div, ...sqrt, ...k(EPS), ...add,
    ...div, ...k(NLR), ...mul,
    ...at(W), ...load, ...add,
    ...store,
  ];
}

/** `while (i < end) { body; i += stride }` */
function loopUntil(end: number, stride: number, body: number[]): number[] {
  // prettier-ignore
  return [
    ...op.block, ...op.loop,
    ...op.get(I), ...op.get(end), ...op.i32GeU, ...op.brIf(1),
    ...body,
    ...op.get(I), ...op.i32(stride), ...op.i32Add, ...op.set(I),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
}

/** The module's bytes. */
export function adamWasmBytes(): Uint8Array<ArrayBuffer> {
  const params = [...Array<number>(8).fill(I32), ...Array<number>(8).fill(F32)];
  const type = [0x01, 0x60, ...unsignedLeb(params.length), ...params, 0x00];
  const imports = [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01];
  // prettier-ignore
  const body = [
    // Local groups: i, endVec, endAll; 8 splats + g, m, v vectors; g, m, v scalars.
    0x03, 0x03, I32, 0x0b, V128, 0x03, F32,
    ...op.get(N), ...op.i32(2), ...op.i32Shl, ...op.set(END_ALL),
    ...op.get(N), ...op.i32(-4), ...op.i32And, ...op.i32(2), ...op.i32Shl, ...op.set(END_VEC),
    ...SCALARS.flatMap((s) => [...op.get(s), ...op.splat, ...op.set(SPLAT(s))]),
    ...loopUntil(END_VEC, 16, step(true)),
    ...loopUntil(END_ALL, 4, step(false)),
    ...op.end,
  ];
  const code = [0x01, ...unsignedLeb(body.length), ...body];
  // prettier-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, type),
    ...section(2, imports),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('adam'), 0x00, 0x00]),
    ...section(10, code),
  ]);
}

/** The `adam` function of a module instance bound to `memory`. */
// prettier-ignore
export type AdamStepFunction = (
  w: number, m: number, v: number, g: number, outW: number, outM: number, outV: number, n: number,
  b1: number, c1: number, b2: number, c2: number, d1: number, d2: number, eps: number, negLr: number,
) => void;

/** Instantiates the module on `memory`; undefined where WebAssembly SIMD is unavailable. */
export function instantiateAdam(memory: WebAssembly.Memory): AdamStepFunction | undefined {
  const bytes = adamWasmBytes();
  if (!WebAssembly.validate(bytes)) return undefined;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return instance.exports.adam as AdamStepFunction;
}
